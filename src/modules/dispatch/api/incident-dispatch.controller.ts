import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import type { Principal } from '../../../common/roles';
import { ApiEndpoint } from '../../../common/openapi';
import {
  AssignUnitCommand,
  type AssignmentView,
} from '../application/commands/assignments/assignment.commands';
import {
  type Recommendation,
  RecommendationsQuery,
} from '../application/queries/recommendations/recommendations.query';
import { AssignRequestDto } from './dispatch.dto';
import { AssignmentResponseDto, RecommendationResponseDto } from './dispatch.response.dto';

/** Dispatch's routes under an incident: which crews to send, and sending one. */
@ApiTags('incidents')
@ApiBearerAuth()
@Controller('incidents')
export class IncidentDispatchController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get(':id/recommendations')
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Crews to send, nearest first; ineligible ones with the reason',
    ok: { type: RecommendationResponseDto, isArray: true },
    errors: [404],
  })
  recommendations(
    @Param('id', idParam) id: string,
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
    @Param('id', idParam) id: string,
    @Body() body: AssignRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<AssignmentView> {
    return this.commands.execute(
      new AssignUnitCommand(user, id, body.unitId, body.at, body.backdateReason),
    );
  }
}
