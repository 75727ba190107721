import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import type { Principal } from '../../../common/roles';
import { PersonalData } from '../../../common/personal-data';
import { ApiEndpoint } from '../../../common/openapi';
import { AccessLog, logScopedRead } from '../../audit/application/access-log';
import { AssignDistrictCommand } from '../application/commands/assign-district/assign-district.command';
import { CloseIncidentCommand } from '../application/commands/close-incident/close-incident.command';
import {
  ReassessIncidentCommand,
  type ReassessResult,
} from '../application/commands/reassess-incident/reassess-incident.command';
import {
  GetIncidentQuery,
  type IncidentView,
} from '../application/queries/get-incident/get-incident.query';
import {
  AssignDistrictRequestDto,
  CloseIncidentRequestDto,
  RiskAssessmentRequestDto,
} from './incident.request.dto';
import {
  AssignDistrictResponseDto,
  CloseIncidentResponseDto,
  IncidentResponseDto,
  RiskAssessmentResponseDto,
} from './incident.response.dto';

/** The incident record: read, re-score, route, close. Crews and assignments are dispatch's. */
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
    @Param('id', idParam) id: string,
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
    @Param('id', idParam) id: string,
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
    @Param('id', idParam) id: string,
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
    @Param('id', idParam) id: string,
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
