import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { ALERT_STREAM, AUDIENCE, type AlertKind, ESCALATES } from '../domain/alert-kinds';
import { DeadlineEffects } from './deadline-effects';
import { DeadlineScheduler, type NewDeadline, offset } from './deadline-scheduler';

interface DueRow {
  id: string;
  kind: AlertKind;
  subject_type: string;
  subject_id: string;
  district_id: string | null;
  due_at: Date;
}

/**
 * Whether a deadline's subject still warrants its alert, re-read when it fires: an order served
 * meanwhile, a check-in completed, a call assigned or an alert acknowledged settles it instead.
 * Each is an expression over the claimed row `d`, so a whole batch is re-read in one statement.
 */
const STILL_DUE: Record<AlertKind, string> = {
  coded_call_unassigned: `EXISTS (SELECT 1 FROM incidents x WHERE x.id = d.subject_id AND x.status = 'open')`,
  arrival_overdue: `EXISTS (SELECT 1 FROM incidents x WHERE x.id = d.subject_id AND x.status IN ('open', 'dispatched'))`,
  report_unprocessed: `EXISTS (SELECT 1 FROM incidents x WHERE x.id = d.subject_id AND x.status = 'open')`,
  order_not_served: `EXISTS (SELECT 1 FROM protective_orders x WHERE x.id = d.subject_id AND x.status = 'issued')`,
  order_expiring: `EXISTS (SELECT 1 FROM protective_orders x WHERE x.id = d.subject_id AND x.status = 'served')`,
  order_expired: `EXISTS (SELECT 1 FROM protective_orders x WHERE x.id = d.subject_id AND x.status = 'served')`,
  check_in_due: `EXISTS (SELECT 1 FROM check_ins x WHERE x.id = d.subject_id AND x.status = 'due')`,
  check_in_missed: `EXISTS (SELECT 1 FROM check_ins x WHERE x.id = d.subject_id AND x.status = 'due')`,
  arrest_release_upcoming: `EXISTS (SELECT 1 FROM arrests x WHERE x.id = d.subject_id)`,
  offender_released: `EXISTS (SELECT 1 FROM arrests x WHERE x.id = d.subject_id)`,
  alert_unacknowledged: `EXISTS (SELECT 1 FROM alerts x WHERE x.id = d.subject_id AND x.status = 'open')`,
};

const STILL_DUE_SQL = `CASE d.kind ${Object.entries(STILL_DUE)
  .map(([kind, test]) => `WHEN '${kind}' THEN ${test}`)
  .join(' ')} ELSE false END`;

/** How often housekeeping runs (once per cluster each time: an advisory lock elects one worker). */
const HOUSEKEEPING_EVERY_MS = 3_600_000;
/** A retried write is answered from its stored result for a day; older keys are forgotten. */
const IDEMPOTENCY_KEY_TTL_HOURS = 24;

export interface FireResult {
  claimed: number;
  fired: number;
  settled: number;
}

/**
 * Fires due deadlines. Each batch is one transaction: claim due rows (FOR UPDATE SKIP LOCKED, so
 * any number of workers share the work), re-read each subject, write the alert under the unique
 * deadline key, mark the row. A worker killed mid-batch rolls back and its rows are taken by the
 * next poll of any worker at once; nothing waits out a lock timeout and nothing fires twice.
 */
@Injectable()
export class DeadlineRunner implements OnApplicationShutdown {
  private readonly logger = new Logger(DeadlineRunner.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = true;
  // Interval bookkeeping on the monotonic clock; domain time comes from the injected Clock.
  private lastHousekeeping = -HOUSEKEEPING_EVERY_MS;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly scheduler: DeadlineScheduler,
    private readonly effects: DeadlineEffects,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  /** Polls every `pollMs`, and at once again while a batch came back full. */
  start(pollMs = 250, batch = 200): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = async () => {
      if (this.stopped) return;
      let delay = pollMs;
      try {
        if (performance.now() - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS) {
          this.lastHousekeeping = performance.now();
          await this.housekeep();
        }
        this.running = this.fireDue(batch);
        const result = (await this.running) as FireResult;
        if (result.claimed === batch) delay = 0;
      } catch (error) {
        // The database may be down: log without values, back off, and keep polling.
        this.logger.warn(
          { err: { type: (error as Error).name, code: (error as { code?: string }).code } },
          'deadline batch failed',
        );
        delay = Math.min(pollMs * 5, 10_000);
      } finally {
        this.running = null;
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), delay);
    };
    this.timer = setTimeout(() => void tick(), 0);
    this.logger.log({ pollMs, batch }, 'deadline runner started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /**
   * Expires idempotency keys. Audit, access and logon logs are never deleted here: the database
   * refuses to delete any row younger than 365 days (migration LogRetention).
   */
  async housekeep(): Promise<{ idempotencyKeysExpired: number } | null> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const [lock] = (await tx.query(
        `SELECT pg_try_advisory_xact_lock(hashtext('qorgau:housekeeping')) AS got`,
      )) as Array<{ got: boolean }>;
      if (!lock.got) return null;
      const expired = await rowsOf<{ user_id: string }>(
        tx,
        `DELETE FROM idempotency_keys WHERE created_at < $1::timestamptz - make_interval(hours => $2) RETURNING user_id`,
        [now, IDEMPOTENCY_KEY_TTL_HOURS],
      );
      if (expired.length > 0)
        this.logger.log({ count: expired.length }, 'idempotency keys expired');
      return { idempotencyKeysExpired: expired.length };
    });
  }

  /**
   * One batch of due deadlines, in one transaction and a handful of statements whatever its size:
   * claim and re-read, settle the resolved, write the alerts, mark the fired, schedule the
   * escalations; plus one event per alert (its own stream) and any owner's effect.
   */
  fireDue(limit = 200): Promise<FireResult> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const due = (await tx.query(
        `SELECT d.id, d.kind, d.subject_type, d.subject_id, d.district_id, d.due_at,
                ${STILL_DUE_SQL} AS still_due
         FROM deadlines d
         WHERE d.state = 'pending' AND d.due_at <= $1 ORDER BY d.due_at LIMIT $2
         FOR UPDATE OF d SKIP LOCKED`,
        [now, limit],
      )) as Array<DueRow & { still_due: boolean }>;
      const resolved = due.filter((d) => !d.still_due);
      const firing = due.filter((d) => d.still_due);
      if (resolved.length > 0)
        await tx.query(
          `UPDATE deadlines SET state = 'cancelled', settled_at = $2, settled_reason = 'resolved'
           WHERE id = ANY($1::uuid[])`,
          [resolved.map((d) => d.id), now],
        );
      if (firing.length > 0) await this.fire(tx, firing, now);
      return { claimed: due.length, fired: firing.length, settled: resolved.length };
    });
  }

  private async fire(tx: EntityManager, due: DueRow[], now: Date): Promise<void> {
    const ids = due.map(() => randomUUID());
    const inserted = await rowsOf<{ id: string; deadline_id: string }>(
      tx,
      `INSERT INTO alerts (id, deadline_id, kind, subject_type, subject_id, district_id, audience, due_at, fired_at)
       SELECT a.id, a.deadline_id, a.kind, a.subject_type, a.subject_id, a.district_id,
              string_to_array(a.audience, ','), a.due_at, $9
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[],
                   $8::timestamptz[])
         AS a(id, deadline_id, kind, subject_type, subject_id, district_id, audience, due_at)
       ON CONFLICT (deadline_id) DO NOTHING RETURNING id, deadline_id`,
      [
        ids,
        due.map((d) => d.id),
        due.map((d) => d.kind),
        due.map((d) => d.subject_type),
        due.map((d) => d.subject_id),
        due.map((d) => d.district_id),
        due.map((d) => AUDIENCE[d.kind].join(',')),
        due.map((d) => d.due_at),
        now,
      ],
    );
    await tx.query(
      `UPDATE deadlines SET state = 'fired', settled_at = $2 WHERE id = ANY($1::uuid[])`,
      [due.map((d) => d.id), now],
    );
    const alertOf = new Map(inserted.map((r) => [r.deadline_id, r.id]));
    const escalations: NewDeadline[] = [];
    const rules = await this.scheduler.rulesAt(tx, now);
    for (const d of due) {
      const alertId = alertOf.get(d.id);
      if (!alertId) continue;
      // Recorded in the event store: the audit trail of what was raised, and the live push to
      // consoles on every instance (one notification per transaction).
      await this.events.append(
        tx,
        { id: alertId, type: ALERT_STREAM },
        [
          {
            type: 'AlertRaised',
            payload: {
              alertId,
              kind: d.kind,
              subject: { type: d.subject_type, id: d.subject_id },
              districtId: d.district_id,
              dueAt: d.due_at.toISOString(),
            },
            actorId: null,
            occurredAt: now,
          },
        ],
        { expectedVersion: 0 },
      );
      await this.effects.apply(d.kind, tx, d.subject_id, now, alertId);
      if (ESCALATES.has(d.kind))
        escalations.push({
          kind: 'alert_unacknowledged',
          subjectType: 'alert',
          subjectId: alertId,
          districtId: d.district_id,
          dueAt: offset(now, rules, 'alert.unacknowledgedEscalationSeconds', 1),
          ruleSetId: rules.id,
          ruleKey: 'alert.unacknowledgedEscalationSeconds',
        });
    }
    await this.scheduler.schedule(tx, escalations, now);
  }
}
