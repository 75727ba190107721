import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
  @ApiOkResponse({ description: 'Incident with timeline and history' })
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
  @ApiOkResponse({
    description:
      '[{unitId, callSign, districtId, distanceMeters, locationAgeSeconds, eligible, reason}]',
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
  @ApiCreatedResponse({ description: '{assignmentId, incidentId, unitId, status, assignedAt, …}' })
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
  @ApiOkResponse({ description: '{id, districtId}' })
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
  @ApiOkResponse({ description: '{id, status: "closed", disposition}' })
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
  @ApiOkResponse({ description: '{priority, riskLevel, reasons, coded, contactPolicy}' })
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
