import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../../../common/openapi';
import {
  ArrestResponseDto,
  CheckInResponseDto,
  ProtectiveOrderResponseDto,
  SafeContactResponseDto,
  SpecialRequirementsResponseDto,
  WarningResponseDto,
} from './enforcement.response.dto';
import { ClientIp, CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { idParam } from '../../../common/id-pipe';
import {
  CompleteCheckInCommand,
  type CheckInView,
  RecordSafeContactCommand,
  type SafeContactView,
} from '../application/commands/check-ins/check-in.commands';
import {
  IssueProtectiveOrderCommand,
  type ProtectiveOrderView,
  RecordOrderViolationCommand,
  RevokeProtectiveOrderCommand,
  ServeProtectiveOrderCommand,
} from '../application/commands/protective-orders/protective-order.commands';
import {
  type ArrestView,
  IssueWarningCommand,
  RecordArrestCommand,
  RecordSpecialRequirementsCommand,
  type SpecialRequirementsView,
  type WarningView,
} from '../application/commands/sanctions/sanction.commands';
import {
  GetProtectiveOrderQuery,
  ListCheckInsQuery,
  ListProtectiveOrdersQuery,
} from '../application/queries/enforcement.queries';
import {
  CompleteCheckInRequestDto,
  IssueProtectiveOrderRequestDto,
  IssueWarningRequestDto,
  ListCheckInsQueryDto,
  ListOrdersQueryDto,
  OrderViolationRequestDto,
  RecordArrestRequestDto,
  RecordSpecialRequirementsRequestDto,
  RevokeOrderRequestDto,
  SafeContactRequestDto,
  ServeOrderRequestDto,
} from './enforcement.dto';

const READERS = ['inspector', 'supervisor', 'prosecutor'] as const;

/** What the district inspector decides after the crew leaves; prosecutors read, never write. */
@ApiTags('enforcement')
@ApiBearerAuth()
@Controller()
export class EnforcementController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post('protective-orders')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Issue a protective order under the rule set in force on issuedAt',
    ok: { status: 201, type: ProtectiveOrderResponseDto },
    errors: [
      404,
      [
        422,
        'OFFENDER_UNDER_MIN_AGE, DURATION_EXCEEDS_MAXIMUM, ORDER_ALREADY_ACTIVE, BACKDATE_REASON_REQUIRED',
      ],
    ],
  })
  issueOrder(
    @Body() b: IssueProtectiveOrderRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(
      new IssueProtectiveOrderCommand(user, ip, {
        incidentId: b.incidentId,
        offender: b.offender,
        victim: b.victim,
        issuedAt: new Date(b.issuedAt),
        prohibitions: b.prohibitions,
        victimOpinion: b.victimOpinion,
        termDays: b.termDays,
        backdateReason: b.backdateReason,
      }),
    );
  }

  @Get('protective-orders')
  @Roles(...READERS)
  @ApiEndpoint({
    summary: 'Orders of your districts, status as of now',
    ok: { type: ProtectiveOrderResponseDto, isArray: true },
  })
  listOrders(
    @Query() q: ListOrdersQueryDto,
    @CurrentUser() user: Principal,
  ): Promise<ProtectiveOrderView[]> {
    return this.queries.execute(
      new ListProtectiveOrdersQuery(user, {
        status: q.status,
        districtId: q.districtId,
        expiringBefore: q.expiringBefore ? new Date(q.expiringBefore) : undefined,
        limit: q.limit ?? 100,
      }),
    );
  }

  @Get('protective-orders/:id')
  @Roles(...READERS)
  @ApiEndpoint({
    summary: 'One order with its violations and next check',
    ok: { type: ProtectiveOrderResponseDto },
    errors: [404],
  })
  getOrder(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
  ): Promise<ProtectiveOrderView> {
    return this.queries.execute(new GetProtectiveOrderQuery(user, id));
  }

  @Post('protective-orders/:id/serve')
  @HttpCode(200)
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Serve the order: the term is fixed from delivery',
    ok: { type: ProtectiveOrderResponseDto },
    errors: [
      404,
      [409, 'INVALID_TRANSITION'],
      [422, 'SERVED_BEFORE_ISSUED, BACKDATE_REASON_REQUIRED'],
    ],
  })
  serve(
    @Param('id', idParam) id: string,
    @Body() b: ServeOrderRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(
      new ServeProtectiveOrderCommand(user, ip, id, new Date(b.servedAt), b.backdateReason),
    );
  }

  @Post('protective-orders/:id/violations')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Link a later incident as a violation (КоАП Art. 461); twice changes nothing',
    ok: { status: 201, type: ProtectiveOrderResponseDto },
    errors: [404, [422, 'ORDER_NOT_ACTIVE, VIOLATION_SAME_INCIDENT']],
  })
  violation(
    @Param('id', idParam) id: string,
    @Body() b: OrderViolationRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(new RecordOrderViolationCommand(user, ip, id, b.incidentId));
  }

  @Post('protective-orders/:id/revoke')
  @HttpCode(200)
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Revoke the order; its pending check-ins and alerts are cancelled',
    ok: { type: ProtectiveOrderResponseDto },
    errors: [404, [409, 'INVALID_TRANSITION']],
  })
  revoke(
    @Param('id', idParam) id: string,
    @Body() b: RevokeOrderRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(new RevokeProtectiveOrderCommand(user, ip, id, b.reason));
  }

  @Post('warnings')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Issue an official warning',
    ok: { status: 201, type: WarningResponseDto },
    errors: [404, [422, 'BACKDATE_REASON_REQUIRED']],
  })
  warning(
    @Body() b: IssueWarningRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<WarningView> {
    return this.commands.execute(
      new IssueWarningCommand(user, ip, {
        incidentId: b.incidentId,
        offender: b.offender,
        issuedAt: new Date(b.issuedAt),
        backdateReason: b.backdateReason,
      }),
    );
  }

  @Post('arrests')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Record an administrative arrest decided by a court',
    ok: { status: 201, type: ArrestResponseDto },
    errors: [404, [422, 'DURATION_EXCEEDS_MAXIMUM, BACKDATE_REASON_REQUIRED']],
  })
  arrest(
    @Body() b: RecordArrestRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ArrestView> {
    return this.commands.execute(
      new RecordArrestCommand(user, ip, {
        incidentId: b.incidentId,
        offenderIin: b.offenderIin,
        courtDecisionRef: b.courtDecisionRef,
        days: b.days,
        startsAt: new Date(b.startsAt),
        backdateReason: b.backdateReason,
      }),
    );
  }

  @Post('special-requirements')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Record court-ordered special requirements (КоАП Art. 54)',
    ok: { status: 201, type: SpecialRequirementsResponseDto },
    errors: [[422, 'DURATION_OUT_OF_RANGE, CHECK_INS_OUT_OF_RANGE, BACKDATE_REASON_REQUIRED']],
  })
  specialRequirements(
    @Body() b: RecordSpecialRequirementsRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<SpecialRequirementsView> {
    return this.commands.execute(
      new RecordSpecialRequirementsCommand(user, ip, {
        offenderIin: b.offenderIin,
        districtId: b.districtId,
        courtDecisionRef: b.courtDecisionRef,
        startsAt: new Date(b.startsAt),
        months: b.months,
        checkInsPerMonth: b.checkInsPerMonth,
        prohibitions: b.prohibitions,
        backdateReason: b.backdateReason,
      }),
    );
  }

  @Get('check-ins')
  @Roles(...READERS)
  @ApiEndpoint({
    summary: 'Check-ins still due in your districts, earliest first',
    ok: { type: CheckInResponseDto, isArray: true },
  })
  checkIns(
    @Query() q: ListCheckInsQueryDto,
    @CurrentUser() user: Principal,
  ): Promise<CheckInView[]> {
    return this.queries.execute(
      new ListCheckInsQuery(user, {
        due: q.due ? new Date(q.due) : undefined,
        districtId: q.districtId,
        limit: q.limit ?? 100,
      }),
    );
  }

  @Post('check-ins/:id/complete')
  @HttpCode(200)
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Complete a check-in with its outcome',
    ok: { type: CheckInResponseDto },
    errors: [404, [409, 'INVALID_TRANSITION'], [422, 'BACKDATE_REASON_REQUIRED']],
  })
  completeCheckIn(
    @Param('id', idParam) id: string,
    @Body() b: CompleteCheckInRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<CheckInView> {
    return this.commands.execute(
      new CompleteCheckInCommand(
        user,
        ip,
        id,
        new Date(b.at),
        b.outcome,
        b.notes,
        b.backdateReason,
      ),
    );
  }

  @Post('persons/:id/safe-contact')
  @Roles('inspector')
  @ApiEndpoint({
    summary: 'Record the victim’s safe contact: the only way notifications may reach her',
    ok: { status: 201, type: SafeContactResponseDto },
    errors: [404, [422, 'NOT_A_VICTIM, SAFE_CONTACT_IS_CODED_CALL_NUMBER']],
  })
  safeContact(
    @Param('id', idParam) id: string,
    @Body() b: SafeContactRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<SafeContactView> {
    return this.commands.execute(
      new RecordSafeContactCommand(user, ip, id, b.channel, b.value, new Date(b.consentAt)),
    );
  }
}
