import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AssignmentsController } from './api/assignments.controller';
import { DispatchQueueController } from './api/dispatch-queue.controller';
import { IncidentDispatchController } from './api/incident-dispatch.controller';
import { UnitsController } from './api/units.controller';
import {
  AssignUnitHandler,
  CancelAssignmentHandler,
  UpdateAssignmentStatusHandler,
} from './application/commands/assignments/assignment.handlers';
import {
  CreateUnitHandler,
  ReportUnitLocationHandler,
  SetUnitStatusHandler,
} from './application/commands/units/unit.handlers';
import { DispatchQueueHandler } from './application/queries/queue/dispatch-queue.handler';
import { RecommendationsHandler } from './application/queries/recommendations/recommendations.handler';
import { ListUnitsHandler } from './application/queries/units/list-units.handler';

/** Crews, the live queue, recommendations, assignment and the crews' status timeline. */
@Module({
  imports: [CqrsModule],
  controllers: [
    IncidentDispatchController,
    UnitsController,
    AssignmentsController,
    DispatchQueueController,
  ],
  providers: [
    CreateUnitHandler,
    ReportUnitLocationHandler,
    SetUnitStatusHandler,
    AssignUnitHandler,
    UpdateAssignmentStatusHandler,
    CancelAssignmentHandler,
    DispatchQueueHandler,
    ListUnitsHandler,
    RecommendationsHandler,
  ],
})
export class DispatchModule {}
