import { Controller, Get, Param, ParseUUIDPipe, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import type { Principal } from '../../../common/roles';
import { AccessLog } from '../../audit/application/access-log';
import {
  GetIncidentQuery,
  type IncidentView,
} from '../application/queries/get-incident/get-incident.query';

export const uuidParam = new ParseUUIDPipe({
  exceptionFactory: () => DomainError.validation('id', 'isUuid', 'id must be a UUID'),
});

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  /** The incident, its timeline and history. Reads are logged; other districts' incidents are 403. */
  @Get(':id')
  @Roles('dispatcher', 'inspector', 'supervisor', 'prosecutor')
  @ApiOkResponse({ description: 'Incident with timeline and history' })
  async get(
    @Param('id', uuidParam) id: string,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<IncidentView> {
    const incident = await this.queries.execute<GetIncidentQuery, IncidentView | null>(
      new GetIncidentQuery(id),
    );
    const allowed =
      incident !== null &&
      incident.districtId !== null &&
      user.districtIds.includes(incident.districtId);
    await this.accessLog.record({
      userId: user.id,
      ip: req.ip,
      subjectType: 'incident',
      subjectId: id,
      endpoint: 'GET /api/v1/incidents/:id',
      outcome: incident === null ? 'not_found' : allowed ? 'granted' : 'denied',
      at: this.clock.now(),
    });
    if (!incident) throw DomainError.notFound('Incident');
    if (!allowed)
      throw DomainError.forbidden('This incident belongs to a district outside your assignment');
    return incident;
  }
}
