import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { TriageModule } from '../triage/triage.module';
import { IncidentsController } from './api/incidents.controller';
import { OpenIncidentHandler } from './application/commands/open-incident/open-incident.handler';
import { ReassessIncidentHandler } from './application/commands/reassess-incident/reassess-incident.handler';
import { GetIncidentHandler } from './application/queries/get-incident/get-incident.handler';
import { HistorySignalsHandler } from './application/queries/history-signals/history-signals.handler';

/** Incidents and their lifecycle; crews, queue and assignment join with the dispatch capability. */
@Module({
  imports: [CqrsModule, TriageModule],
  controllers: [IncidentsController],
  providers: [
    OpenIncidentHandler,
    ReassessIncidentHandler,
    GetIncidentHandler,
    HistorySignalsHandler,
  ],
})
export class DispatchModule {}
