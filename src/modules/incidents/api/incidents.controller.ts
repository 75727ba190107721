import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import { AssignDistrictCommand } from '../application/commands/assign-district/assign-district.command';
import type { Principal } from '../../../common/roles';
import { PersonalData } from '../../../common/personal-data';
import { AccessLog, logScopedRead } from '../../audit/application/access-log';
import {
  AssignUnitCommand,
  type AssignmentView,
  CloseIncidentCommand,
} from '../application/commands/assignments/assignment.commands';
import {
  ReassessIncidentCommand,
  type ReassessResult,
} from '../application/commands/reassess-incident/reassess-incident.command';
import {
  GetIncidentQuery,
  type IncidentView,
} from '../application/queries/get-incident/get-incident.query';
import {
  type Recommendation,
  RecommendationsQuery,
} from '../application/queries/recommendations/recommendations.query';
import {
  AssignDistrictRequestDto,
  AssignRequestDto,
  CloseIncidentRequestDto,
  RiskAssessmentRequestDto,
} from './dispatch.dto';
import { ApiEndpoint } from '../../../common/openapi';
import {
  AssignDistrictResponseDto,
  AssignmentResponseDto,
  CloseIncidentResponseDto,
  IncidentResponseDto,
  RecommendationResponseDto,
  RiskAssessmentResponseDto,
} from './dispatch.response.dto';

/** The one id pipe (validates and lower-cases); kept under this name for the other controllers. */
export const uuidParam = idParam;

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  /** The incident, its timeline and history. Reads are logged; other districts' incidents are 404. */
  @Get(':id')
  @Roles('dispatcher', 'inspector', 'supervisor', 'prosecutor')
  @PersonalData('incident')
  @ApiEndpoint({
    summary: 'An incident with its timeline and history (the read is logged)',
    ok: { type: IncidentResponseDto },
    errors: [404],
  })
  async get(
    @Param('id', uuidParam) id: string,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<IncidentView> {
    const incident = await this.queries.execute<GetIncidentQuery, IncidentView | null>(
      new GetIncidentQuery(id),
    );
    return logScopedRead(this.accessLog, incident, {
      userId: user.id,
      districtIds: user.districtIds,
      unassignedVisible: user.role === 'supervisor',
      ip: req.ip,
      subjectType: 'incident',
      subjectId: id,
      endpoint: 'GET /api/v1/incidents/:id',
      what: 'Incident',
      at: this.clock.now(),
    });
  }

  @Get(':id/recommendations')
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Crews to send, nearest first; ineligible ones with the reason',
    ok: { type: RecommendationResponseDto, isArray: true },
    errors: [404],
  })
  recommendations(
    @Param('id', uuidParam) id: string,
    @CurrentUser() user: Principal,
  ): Promise<Recommendation[]> {
    return this.queries.execute(new RecommendationsQuery(user, id, this.clock.now()));
  }

  /** 201 {assignmentId}; 409 UNIT_NOT_AVAILABLE when the crew is taken (of racing dispatchers, one wins). */
  @Post(':id/assignments')
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Send a crew to the incident',
    ok: { status: 201, type: AssignmentResponseDto },
    errors: [404, [409, 'UNIT_NOT_AVAILABLE, INCIDENT_CLOSED or IDEMPOTENCY_KEY_REUSED'], 422],
  })
  assign(
    @Param('id', uuidParam) id: string,
    @Body() body: AssignRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<AssignmentView> {
    return this.commands.execute(
      new AssignUnitCommand(user, id, body.unitId, body.at, body.backdateReason),
    );
  }

  /** Routes an incident to one of the caller's districts (web reports that named none). */
  @Post(':id/district')
  @HttpCode(200)
  @Roles('supervisor')
  @ApiEndpoint({
    summary: 'Route an incident without a district to one of yours',
    ok: { type: AssignDistrictResponseDto },
    errors: [404, 409],
  })
  assignDistrict(
    @Param('id', uuidParam) id: string,
    @Body() body: AssignDistrictRequestDto,
    @CurrentUser() user: Principal,
  ) {
    return this.commands.execute(new AssignDistrictCommand(user, id, body.districtId));
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor', 'inspector')
  @ApiEndpoint({
    summary: 'Close the incident with a disposition',
    ok: { type: CloseIncidentResponseDto },
    errors: [404, 409, 422],
  })
  close(
    @Param('id', uuidParam) id: string,
    @Body() body: CloseIncidentRequestDto,
    @CurrentUser() user: Principal,
  ) {
    return this.commands.execute(new CloseIncidentCommand(user, id, body.disposition));
  }

  /** Re-scores with new answers and re-queues; 200 {priority, riskLevel, reasons}. */
  @Post(':id/risk-assessment')
  @HttpCode(200)
  @Roles('dispatcher', 'inspector')
  @ApiEndpoint({
    summary: 'Re-score the incident with new risk answers and re-queue it',
    ok: { type: RiskAssessmentResponseDto },
    errors: [404, 409],
  })
  async assess(
    @Param('id', uuidParam) id: string,
    @Body() body: RiskAssessmentRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<ReassessResult> {
    return this.commands.execute(
      new ReassessIncidentCommand(
        id,
        { answers: { ...body.answers }, reason: 'risk assessment' },
        user,
        this.clock.now(),
      ),
    );
  }
}
