import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { ALERT_STREAM, AUDIENCE, type AlertKind, ESCALATES } from '../domain/alert-kinds';
import { DeadlineEffects } from './deadline-effects';
import { DeadlineScheduler, offset } from './deadline-scheduler';

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
 */
const STILL_DUE: Record<AlertKind, string> = {
  coded_call_unassigned: `SELECT EXISTS (SELECT 1 FROM incidents WHERE id = $1 AND status = 'open')`,
  arrival_overdue: `SELECT EXISTS (SELECT 1 FROM incidents WHERE id = $1 AND status IN ('open', 'dispatched'))`,
  report_unprocessed: `SELECT EXISTS (SELECT 1 FROM incidents WHERE id = $1 AND status = 'open')`,
  order_not_served: `SELECT EXISTS (SELECT 1 FROM protective_orders WHERE id = $1 AND status = 'issued')`,
  order_expiring: `SELECT EXISTS (SELECT 1 FROM protective_orders WHERE id = $1 AND status = 'served')`,
  order_expired: `SELECT EXISTS (SELECT 1 FROM protective_orders WHERE id = $1 AND status = 'served')`,
  check_in_due: `SELECT EXISTS (SELECT 1 FROM check_ins WHERE id = $1 AND status = 'due')`,
  check_in_missed: `SELECT EXISTS (SELECT 1 FROM check_ins WHERE id = $1 AND status = 'due')`,
  arrest_release_upcoming: `SELECT EXISTS (SELECT 1 FROM arrests WHERE id = $1)`,
  offender_released: `SELECT EXISTS (SELECT 1 FROM arrests WHERE id = $1)`,
  alert_unacknowledged: `SELECT EXISTS (SELECT 1 FROM alerts WHERE id = $1 AND status = 'open')`,
};

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
  start(pollMs = 1000, batch = 200): void {
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

  /** One batch of due deadlines, in one transaction. */
  fireDue(limit = 200): Promise<FireResult> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const due = (await tx.query(
        `SELECT id, kind, subject_type, subject_id, district_id, due_at FROM deadlines
         WHERE state = 'pending' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      )) as DueRow[];
      const result: FireResult = { claimed: due.length, fired: 0, settled: 0 };
      for (const d of due) {
        const [check] = (await tx.query(STILL_DUE[d.kind], [d.subject_id])) as Array<{
          exists: boolean;
        }>;
        if (!check?.exists) {
          await tx.query(
            `UPDATE deadlines SET state = 'cancelled', settled_at = $2, settled_reason = 'resolved' WHERE id = $1`,
            [d.id, now],
          );
          result.settled += 1;
          continue;
        }
        await this.fire(tx, d, now);
        result.fired += 1;
      }
      return result;
    });
  }

  private async fire(tx: EntityManager, d: DueRow, now: Date): Promise<void> {
    const [alert] = await rowsOf<{ id: string }>(
      tx,
      `INSERT INTO alerts (id, deadline_id, kind, subject_type, subject_id, district_id, audience, due_at, fired_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (deadline_id) DO NOTHING RETURNING id`,
      [
        randomUUID(),
        d.id,
        d.kind,
        d.subject_type,
        d.subject_id,
        d.district_id,
        AUDIENCE[d.kind],
        d.due_at,
        now,
      ],
    );
    await tx.query(`UPDATE deadlines SET state = 'fired', settled_at = $2 WHERE id = $1`, [
      d.id,
      now,
    ]);
    if (!alert) return;
    // Recorded in the event store: the audit trail of what was raised, and the live push to
    // consoles on every instance (one notification per transaction).
    await this.events.append(
      tx,
      { id: alert.id, type: ALERT_STREAM },
      [
        {
          type: 'AlertRaised',
          payload: {
            alertId: alert.id,
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
    await this.effects.apply(d.kind, tx, d.subject_id, now);
    if (ESCALATES.has(d.kind)) {
      const rules = await this.scheduler.rulesAt(tx, now);
      await this.scheduler.schedule(
        tx,
        [
          {
            kind: 'alert_unacknowledged',
            subjectType: 'alert',
            subjectId: alert.id,
            districtId: d.district_id,
            dueAt: offset(now, rules, 'alert.unacknowledgedEscalationSeconds', 1),
            ruleSetId: rules.id,
            ruleKey: 'alert.unacknowledgedEscalationSeconds',
          },
        ],
        now,
      );
    }
  }
}
