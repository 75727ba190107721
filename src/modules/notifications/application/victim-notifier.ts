import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { rowsOf } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import { type RuleSet } from '../../policy/domain/rule-set';
import {
  type NotificationKind,
  type NotificationPayload,
  messageText,
  retryPlan,
  victimRuleKey,
} from '../domain/notification';
import { MetricsService } from '../../operations/metrics.service';
import { type DeliveryJob, NotificationQueue } from './notification-queue';
import { resolveSafeChannels } from './safe-channel';

/** Who is told, about what moment, for each kind: the protected victim(s) of the record. */
const VICTIMS_SQL: Record<NotificationKind, string> = {
  order_served: `SELECT o.victim_person_id AS person_id, o.district_id, o.served_at AS at
                 FROM protective_orders o WHERE o.id = $1`,
  order_expiring: `SELECT o.victim_person_id AS person_id, o.district_id, o.expires_at AS at
                   FROM protective_orders o WHERE o.id = $1`,
  order_expired: `SELECT o.victim_person_id AS person_id, o.district_id, o.expires_at AS at
                  FROM protective_orders o WHERE o.id = $1`,
  arrest_release_upcoming: `SELECT DISTINCT ip.person_id, a.district_id, a.release_at AS at
      FROM arrests a JOIN incident_persons ip ON ip.incident_id = a.incident_id AND ip.role = 'victim'
      WHERE a.id = $1 AND ip.person_id <> a.offender_person_id`,
  offender_released: `SELECT DISTINCT ip.person_id, a.district_id, a.release_at AS at
      FROM arrests a JOIN incident_persons ip ON ip.incident_id = a.incident_id AND ip.role = 'victim'
      WHERE a.id = $1 AND ip.person_id <> a.offender_person_id`,
};

const SUBJECT_TYPE: Record<NotificationKind, string> = {
  order_served: 'protective_order',
  order_expiring: 'protective_order',
  order_expired: 'protective_order',
  arrest_release_upcoming: 'arrest',
  offender_released: 'arrest',
};

export interface NotifyCause {
  kind: NotificationKind;
  /** The alert that fired, or the order for `order_served`: one notification per cause. */
  source: { type: 'alert' | 'protective_order'; id: string };
  subjectId: string;
}

/**
 * Decides, inside the transaction of the event that causes it (an alert firing, an order being
 * served), whether and where a victim is told, records the notification and enqueues its
 * delivery in that same transaction.
 *
 * A notification is only ever addressed to the victim's recorded safe contact (the newest one
 * not withdrawn, consented before now): never to a number from a call, an incident or her
 * person record. A safe contact that is the number of any coded call is refused as well (the
 * phone the abuser may hold); with no usable contact nothing is sent and the notification is
 * recorded as `no_safe_channel`.
 */
@Injectable()
export class VictimNotifier {
  private readonly logger = new Logger(VictimNotifier.name);

  constructor(
    private readonly ruleSets: RuleSetRepository,
    private readonly queue: NotificationQueue,
    private readonly metrics: MetricsService,
  ) {}

  async notify(tx: EntityManager, cause: NotifyCause, now: Date): Promise<void> {
    const rules = await this.ruleSets.activeAt(tx, 'notifications', now);
    if (rules.values[victimRuleKey(cause.kind)]?.value !== true) return;
    const victims = (await tx.query(VICTIMS_SQL[cause.kind], [cause.subjectId])) as Array<{
      person_id: string;
      district_id: string | null;
      at: Date | null;
    }>;
    if (victims.length === 0) return;
    const addressing = await resolveSafeChannels(
      tx,
      victims.map((v) => v.person_id),
      now,
    );
    const rows = victims.map((v) => {
      const id = randomUUID();
      const a = addressing.get(v.person_id) ?? {
        ok: false as const,
        reason: 'no_safe_contact',
        safeContactId: null,
      };
      const payload: NotificationPayload | null = a.ok
        ? {
            notificationId: id,
            kind: cause.kind,
            channel: a.channel,
            ...(a.to !== undefined ? { to: a.to } : {}),
            ...(a.centre !== undefined ? { centre: a.centre } : {}),
            caseRef: cause.subjectId,
            at: (v.at ?? now).toISOString(),
            text: messageText(cause.kind, v.at ?? now),
          }
        : null;
      return {
        id,
        personId: v.person_id,
        districtId: v.district_id,
        channel: a.ok ? a.channel : null,
        safeContactId: a.safeContactId,
        payload,
        status: a.ok ? 'pending' : 'no_safe_channel',
        reason: a.ok ? null : a.reason,
      };
    });
    const inserted = await rowsOf<{ id: string; status: string; reason: string | null }>(
      tx,
      `INSERT INTO notifications (id, kind, source_type, source_id, subject_type, subject_id, person_id,
                                  district_id, channel, safe_contact_id, payload, status, reason,
                                  rule_set_id, created_at, updated_at, job_id)
       SELECT r.id, $1, $2, $3, $4, $5, r.person_id, r.district_id, r.channel, r.safe_contact_id,
              r.payload, r.status, r.reason, $6, $7, $7,
              CASE WHEN r.status = 'pending' THEN r.id END
       FROM unnest($8::uuid[], $9::uuid[], $10::uuid[], $11::text[], $12::uuid[], $13::jsonb[],
                   $14::text[], $15::text[])
         AS r(id, person_id, district_id, channel, safe_contact_id, payload, status, reason)
       ON CONFLICT (source_id, kind, person_id) DO NOTHING
       RETURNING id, status, reason`,
      [
        cause.kind,
        cause.source.type,
        cause.source.id,
        SUBJECT_TYPE[cause.kind],
        cause.subjectId,
        rules.id,
        now,
        rows.map((r) => r.id),
        rows.map((r) => r.personId),
        rows.map((r) => r.districtId),
        rows.map((r) => r.channel),
        rows.map((r) => r.safeContactId),
        rows.map((r) => (r.payload ? JSON.stringify(r.payload) : null)),
        rows.map((r) => r.status),
        rows.map((r) => r.reason),
      ],
    );
    for (const r of inserted.filter((i) => i.status === 'no_safe_channel')) {
      this.metrics.notifications.inc({ outcome: 'no_safe_channel' });
      // Identifiers and reasons only: never the person or the contact.
      this.logger.log(
        { notificationId: r.id, kind: cause.kind, reason: r.reason },
        'notification not sent: no safe channel',
      );
    }
    await this.queue.enqueue(
      tx,
      inserted.filter((i) => i.status === 'pending').map((i) => deliveryJob(i.id, i.id, rules)),
    );
  }
}

/** A delivery job under the rule set in force: retries, back-off and expiry. */
export function deliveryJob(jobId: string, notificationId: string, rules: RuleSet): DeliveryJob {
  return {
    id: jobId,
    notificationId,
    retryPlan: retryPlan(
      rules.number('notify.maxAttempts'),
      rules.number('notify.retryBaseSeconds'),
    ),
    expireInSeconds: Math.max(1, Math.floor(rules.number('notify.jobExpireSeconds'))),
  };
}
