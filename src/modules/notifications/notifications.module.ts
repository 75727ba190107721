import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeadlineEffects } from '../deadlines/application/deadline-effects';
import { OperationsModule } from '../operations/operations.module';
import { NotificationsController } from './api/notifications.controller';
import { NotificationQueue } from './application/notification-queue';
import { NotificationWorker } from './application/notification-worker';
import {
  ListNotificationsHandler,
  ReplayNotificationHandler,
} from './application/notifications.admin';
import { VictimNotifier } from './application/victim-notifier';
import { type AlertKind } from '../deadlines/domain/alert-kinds';
import { type NotificationKind } from './domain/notification';

/** Alerts whose firing tells the victim (each still switched by the `notifications` rule set). */
const ALERT_NOTIFIES: Array<NotificationKind & AlertKind> = [
  'arrest_release_upcoming',
  'offender_released',
  'order_expiring',
  'order_expired',
];

/**
 * Outbound notifications to a victim's safe contact: decided and enqueued in the transaction of
 * their cause (an alert firing, an order served), delivered by `NotificationWorker` over signed
 * webhooks through pg-boss, with a dead-letter list admins read and replay.
 */
@Global()
@Module({
  imports: [CqrsModule, OperationsModule],
  controllers: [NotificationsController],
  providers: [
    NotificationQueue,
    VictimNotifier,
    NotificationWorker,
    ListNotificationsHandler,
    ReplayNotificationHandler,
  ],
  exports: [VictimNotifier, NotificationWorker],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly effects: DeadlineEffects,
    private readonly notifier: VictimNotifier,
  ) {}

  onModuleInit(): void {
    for (const kind of ALERT_NOTIFIES)
      this.effects.register(kind, (tx, subjectId, now, alertId) =>
        this.notifier.notify(tx, { kind, source: { type: 'alert', id: alertId }, subjectId }, now),
      );
  }
}
