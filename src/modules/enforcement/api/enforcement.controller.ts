import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ClientIp, CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { uuidParam } from '../../dispatch/api/incidents.controller';
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
  @ApiCreatedResponse({ description: 'The order: status issued, expiresAt null until served' })
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
  @ApiOkResponse({ description: 'Orders of your districts, status as of now' })
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
  @ApiOkResponse({ description: 'One order with its violations and next check' })
  getOrder(
    @Param('id', uuidParam) id: string,
    @CurrentUser() user: Principal,
  ): Promise<ProtectiveOrderView> {
    return this.queries.execute(new GetProtectiveOrderQuery(user, id));
  }

  @Post('protective-orders/:id/serve')
  @HttpCode(200)
  @Roles('inspector')
  @ApiOkResponse({ description: 'Served: the term is fixed from delivery' })
  serve(
    @Param('id', uuidParam) id: string,
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
  @ApiCreatedResponse({
    description: 'The order with the violation linked (recording it twice changes nothing)',
  })
  violation(
    @Param('id', uuidParam) id: string,
    @Body() b: OrderViolationRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(new RecordOrderViolationCommand(user, ip, id, b.incidentId));
  }

  @Post('protective-orders/:id/revoke')
  @HttpCode(200)
  @Roles('inspector')
  @ApiOkResponse({ description: 'Revoked; pending check-ins cancelled' })
  revoke(
    @Param('id', uuidParam) id: string,
    @Body() b: RevokeOrderRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<ProtectiveOrderView> {
    return this.commands.execute(new RevokeProtectiveOrderCommand(user, ip, id, b.reason));
  }

  @Post('warnings')
  @Roles('inspector')
  @ApiCreatedResponse({ description: '{id, validUntil, ruleSet, nextCheckDueAt, repeatOffender}' })
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
  @ApiCreatedResponse({ description: '{id, releaseAt, ruleSet, repeatOffender}' })
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
  @ApiCreatedResponse({ description: '{id, endsAt, ruleSet, nextCheckDueAt}' })
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
  @ApiOkResponse({ description: 'Check-ins still due in your districts, earliest first' })
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
  @ApiOkResponse({ description: 'The completed check-in' })
  completeCheckIn(
    @Param('id', uuidParam) id: string,
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
  @ApiCreatedResponse({
    description: '{id, personId, channel, consentAt}: the only way notifications may reach her',
  })
  safeContact(
    @Param('id', uuidParam) id: string,
    @Body() b: SafeContactRequestDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<SafeContactView> {
    return this.commands.execute(
      new RecordSafeContactCommand(user, ip, id, b.channel, b.value, new Date(b.consentAt)),
    );
  }
}
