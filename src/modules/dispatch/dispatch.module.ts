import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TriageModule } from '../triage/triage.module';
import { AssignmentsController } from './api/assignments.controller';
import { DispatchQueueController } from './api/dispatch-queue.controller';
import { IncidentsController } from './api/incidents.controller';
import { UnitsController } from './api/units.controller';
import {
  AssignUnitHandler,
  CancelAssignmentHandler,
  CloseIncidentHandler,
  UpdateAssignmentStatusHandler,
} from './application/commands/assignments/assignment.handlers';
import {
  CreateUnitHandler,
  ReportUnitLocationHandler,
  SetUnitStatusHandler,
} from './application/commands/units/unit.handlers';
import { AssignDistrictHandler } from './application/commands/assign-district/assign-district.handler';
import { DispatchQueueHandler } from './application/queries/queue/dispatch-queue.handler';
import { RecommendationsHandler } from './application/queries/recommendations/recommendations.handler';
import { ListUnitsHandler } from './application/queries/units/list-units.handler';
import { OpenIncidentHandler } from './application/commands/open-incident/open-incident.handler';
import { ReassessIncidentHandler } from './application/commands/reassess-incident/reassess-incident.handler';
import { GetIncidentHandler } from './application/queries/get-incident/get-incident.handler';
import { HistorySignalsHandler } from './application/queries/history-signals/history-signals.handler';

/** Incidents, crews, the live queue, recommendations, assignment and the status timeline. */
@Module({
  imports: [CqrsModule, TriageModule],
  controllers: [
    IncidentsController,
    UnitsController,
    AssignmentsController,
    DispatchQueueController,
  ],
  providers: [
    OpenIncidentHandler,
    ReassessIncidentHandler,
    GetIncidentHandler,
    HistorySignalsHandler,
    CreateUnitHandler,
    ReportUnitLocationHandler,
    SetUnitStatusHandler,
    AssignUnitHandler,
    UpdateAssignmentStatusHandler,
    CancelAssignmentHandler,
    CloseIncidentHandler,
    AssignDistrictHandler,
    DispatchQueueHandler,
    ListUnitsHandler,
    RecommendationsHandler,
  ],
})
export class DispatchModule {}
