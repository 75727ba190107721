import {
  CommandHandler,
  type ICommandHandler,
  type IQueryHandler,
  QueryHandler,
} from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../../common/domain-error';
import { type Principal } from '../../../common/roles';
import { AuditLog } from '../../audit/application/audit-log';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import {
  maskedPayload,
  type NotificationPayload,
  type NotificationStatus,
} from '../domain/notification';
import { MetricsService } from '../../operations/metrics.service';
import { NotificationQueue } from './notification-queue';
import { readdressed, resolveSafeChannels } from './safe-channel';
import { deliveryJob } from './victim-notifier';

export interface NotificationView {
  id: string;
  kind: string;
  status: NotificationStatus;
  reason: string | null;
  channel: string | null;
  subject: { type: string; id: string };
  source: { type: string; id: string };
  districtId: string | null;
  attempts: number;
  replays: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  sentAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** What the webhook receives, its contact masked. */
  payload: NotificationPayload | null;
}

interface NotificationRow {
  id: string;
  kind: string;
  status: NotificationStatus;
  reason: string | null;
  channel: string | null;
  subject_type: string;
  subject_id: string;
  source_type: string;
  source_id: string;
  district_id: string | null;
  person_id: string;
  attempts: number;
  replays: number;
  last_error: string | null;
  last_attempt_at: Date | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
  payload: NotificationPayload | null;
}

const toView = (r: NotificationRow): NotificationView => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  reason: r.reason,
  channel: r.channel,
  subject: { type: r.subject_type, id: r.subject_id },
  source: { type: r.source_type, id: r.source_id },
  districtId: r.district_id,
  attempts: r.attempts,
  replays: r.replays,
  lastError: r.last_error,
  lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
  sentAt: r.sent_at?.toISOString() ?? null,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  payload: maskedPayload(r.payload),
});

/** Notifications of the admin's districts (and those with none). */
const SCOPE = `(n.district_id IS NULL OR n.district_id = ANY($1::uuid[]))`;

export class ListNotificationsQuery {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly filter: { status?: NotificationStatus; limit: number },
  ) {}
}

/** The dead-letter list (and the others): newest first. Every read is audited. */
@QueryHandler(ListNotificationsQuery)
export class ListNotificationsHandler implements IQueryHandler<
  ListNotificationsQuery,
  NotificationView[]
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  execute({ principal, ip, filter }: ListNotificationsQuery): Promise<NotificationView[]> {
    return this.uow.run(async (tx) => {
      const rows = (await tx.query(
        `SELECT n.* FROM notifications n
         WHERE ${SCOPE} AND ($2::text IS NULL OR n.status = $2)
         ORDER BY n.created_at DESC, n.id LIMIT $3`,
        [principal.districtIds, filter.status ?? null, filter.limit],
      )) as NotificationRow[];
      await this.audit.record(tx, {
        actorId: principal.id,
        action: 'notification.list',
        targetType: 'notification',
        ip,
        outcome: 'success',
        details: { status: filter.status ?? null, count: rows.length },
        at: this.clock.now(),
      });
      return rows.map(toView);
    });
  }
}

export class ReplayNotificationCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly notificationId: string,
  ) {}
}

/** Statuses an admin may send again: retries ran out, or no webhook was configured then. */
const REPLAYABLE: ReadonlySet<NotificationStatus> = new Set(['dead', 'not_configured']);

/**
 * Sends a dead notification again: back to `pending` with a new delivery job under the rule set
 * in force, in one transaction with its audit row. It is addressed afresh (her newest safe
 * contact, refused if it is a coded call's number by now); with no usable contact it becomes
 * `no_safe_channel` instead and nothing is queued. The receiver sees the same notification id
 * (`Idempotency-Key`), so a replay of something it did receive changes nothing there.
 */
@CommandHandler(ReplayNotificationCommand)
export class ReplayNotificationHandler implements ICommandHandler<
  ReplayNotificationCommand,
  NotificationView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queue: NotificationQueue,
    private readonly ruleSets: RuleSetRepository,
    private readonly audit: AuditLog,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
  ) {}

  execute(c: ReplayNotificationCommand): Promise<NotificationView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const [row] = (await tx.query(
        `SELECT n.* FROM notifications n WHERE n.id = $2 AND ${SCOPE} FOR UPDATE`,
        [c.principal.districtIds, c.notificationId],
      )) as NotificationRow[];
      if (!row) throw DomainError.notFound('Notification');
      if (!REPLAYABLE.has(row.status))
        throw new DomainError(
          'NOTIFICATION_NOT_REPLAYABLE',
          'conflict',
          `Only a dead or not_configured notification can be replayed (this one is ${row.status})`,
        );
      // Addressed again now, as every attempt is: her newest safe contact, never a number that
      // has become a coded call's. With none usable nothing is queued.
      const address = (await resolveSafeChannels(tx, [row.person_id], now)).get(row.person_id);
      if (!address?.ok || !row.payload) {
        const reason = address && !address.ok ? address.reason : 'no_safe_contact';
        const [refused] = await rowsOf<NotificationRow>(
          tx,
          `UPDATE notifications SET status = 'no_safe_channel', reason = $2, safe_contact_id = $3,
                  replays = replays + 1, updated_at = $4
           WHERE id = $1 RETURNING *`,
          [row.id, reason, address?.safeContactId ?? null, now],
        );
        this.metrics.notifications.inc({ outcome: 'no_safe_channel' });
        await this.audit.record(tx, {
          actorId: c.principal.id,
          action: 'notification.replay',
          targetType: 'notification',
          targetId: row.id,
          ip: c.ip,
          outcome: 'success',
          details: { kind: row.kind, from: row.status, to: 'no_safe_channel', reason },
          at: now,
        });
        return toView(refused);
      }
      const rules = await this.ruleSets.activeAt(tx, 'notifications', now);
      const jobId = randomUUID();
      const [updated] = await rowsOf<NotificationRow>(
        tx,
        `UPDATE notifications SET status = 'pending', reason = NULL, replays = replays + 1,
                job_id = $2, channel = $4, safe_contact_id = $5, payload = $6::jsonb,
                updated_at = $3
         WHERE id = $1 RETURNING *`,
        [
          row.id,
          jobId,
          now,
          address.channel,
          address.safeContactId,
          JSON.stringify(readdressed(row.payload, address)),
        ],
      );
      await this.queue.enqueue(tx, [deliveryJob(jobId, row.id, rules)]);
      await this.audit.record(tx, {
        actorId: c.principal.id,
        action: 'notification.replay',
        targetType: 'notification',
        targetId: row.id,
        ip: c.ip,
        outcome: 'success',
        details: { kind: row.kind, from: row.status, to: 'pending' },
        at: now,
      });
      return toView(updated);
    });
  }
}
