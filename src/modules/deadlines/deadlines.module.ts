import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AlertsController } from './api/alerts.controller';
import {
  AcknowledgeAlertHandler,
  ListAlertsHandler,
  ListDeadlinesHandler,
} from './application/alerts';
import { DeadlineEffects } from './application/deadline-effects';
import { DeadlineRunner } from './application/deadline-runner';
import { DeadlineScheduler } from './application/deadline-scheduler';

/** Deadline rows, firing, the alert inbox and escalation; other modules schedule through it. */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [AlertsController],
  providers: [
    DeadlineScheduler,
    DeadlineEffects,
    DeadlineRunner,
    ListAlertsHandler,
    AcknowledgeAlertHandler,
    ListDeadlinesHandler,
  ],
  exports: [DeadlineScheduler, DeadlineEffects, DeadlineRunner],
})
export class DeadlinesModule {}
