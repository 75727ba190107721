import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TriageModule } from '../triage/triage.module';
import { IncidentsController } from './api/incidents.controller';
import { AssignDistrictHandler } from './application/commands/assign-district/assign-district.handler';
import { CloseIncidentHandler } from './application/commands/close-incident/close-incident.handler';
import { OpenIncidentHandler } from './application/commands/open-incident/open-incident.handler';
import { ReassessIncidentHandler } from './application/commands/reassess-incident/reassess-incident.handler';
import { GetIncidentHandler } from './application/queries/get-incident/get-incident.handler';
import { HistorySignalsHandler } from './application/queries/history-signals/history-signals.handler';

/**
 * The incident record: opening, its timeline and history signals, re-scoring, routing to a
 * district and closing. Other modules use it through its commands, queries and domain constants.
 */
@Module({
  imports: [CqrsModule, TriageModule],
  controllers: [IncidentsController],
  providers: [
    OpenIncidentHandler,
    ReassessIncidentHandler,
    AssignDistrictHandler,
    CloseIncidentHandler,
    GetIncidentHandler,
    HistorySignalsHandler,
  ],
})
export class IncidentsModule {}
