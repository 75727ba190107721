import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { type Runtime, RUNTIME } from '../../../config/runtime';
import { MetricsService } from '../../operations/metrics.service';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import { type NotificationPayload, signWebhook } from '../domain/notification';
import { DEAD_QUEUE, DELIVER_QUEUE, NotificationQueue } from './notification-queue';
import { readdressed, resolveSafeChannels } from './safe-channel';

type Outcome = 'sent' | 'skipped' | 'not_configured' | 'no_safe_channel';

class DeliveryFailed extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Delivers queued notifications: takes a batch of jobs (pg-boss, FOR UPDATE SKIP LOCKED, so any
 * number of workers share them), POSTs each to its webhook with a signature and the notification
 * id as `Idempotency-Key`, and completes or fails each job. A failed job is retried by pg-boss
 * with exponential back-off; after the rule set's attempts it goes to the dead-letter queue,
 * whose jobs mark their notification `dead`. A worker killed mid-delivery leaves its jobs
 * active; once their expiry passes pg-boss's maintenance fails them and they are retried by any
 * worker. Delivery is therefore at least once: receivers dedupe on `Idempotency-Key`.
 */
@Injectable()
export class NotificationWorker implements OnApplicationShutdown {
  private readonly logger = new Logger(NotificationWorker.name);
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly queue: NotificationQueue,
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
    private readonly metrics: MetricsService,
    private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** Starts the queue's maintenance and the delivery loop (polls every `pollMs` when idle). */
  async start(pollMs = 250): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.queue.start();
    const batch = this.runtime.env.NOTIFY_CONCURRENCY;
    this.loop = (async () => {
      while (!this.stopped) {
        let busy = false;
        try {
          busy = (await this.runOnce(batch)) > 0;
        } catch (error) {
          // The database may be down: log without values and keep polling.
          this.logger.warn(
            { err: { type: (error as Error).name, code: (error as { code?: string }).code } },
            'notification batch failed',
          );
        }
        if (!busy && !this.stopped)
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, pollMs);
            this.wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        this.wake = null;
      }
    })();
    this.logger.log({ pollMs, batch }, 'notification worker started');
  }

  /** Stops taking jobs, lets the deliveries in flight finish (each bounded by its timeout). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.queue.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** One round: dead letters first, then up to `batch` deliveries at once. Returns jobs taken. */
  async runOnce(batch: number): Promise<number> {
    const dead = await this.queue.fetch(DEAD_QUEUE, batch);
    for (const job of dead) await this.markDead(job.data.notificationId, job.data.jobId);
    await this.queue.complete(
      DEAD_QUEUE,
      dead.map((j) => j.id),
    );
    const jobs = await this.queue.fetch(DELIVER_QUEUE, batch);
    const results = await Promise.allSettled(jobs.map((j) => this.deliver(j.data.notificationId)));
    const done: string[] = [];
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') done.push(jobs[i].id);
      else
        await this.queue.fail(
          DELIVER_QUEUE,
          jobs[i].id,
          r.reason instanceof DeliveryFailed ? r.reason.reason : 'error',
        );
    }
    await this.queue.complete(DELIVER_QUEUE, done);
    return dead.length + jobs.length;
  }

  /**
   * One attempt. Resolves when the notification needs nothing more; throws to be retried.
   *
   * The destination is decided again here, at every attempt (first, retry or replay), never
   * taken from what was stored when the notification was made: the victim's newest safe contact
   * now, refused if it is the number of any coded call by now. With none usable the
   * notification becomes `no_safe_channel` and nothing is sent (the job completes: no retry).
   * What is sent is stored as the payload first, so the record shows where it went.
   */
  async deliver(notificationId: string): Promise<Outcome> {
    const db = this.uow.manager();
    const [n] = (await db.query(
      `SELECT id, kind, person_id, payload, status FROM notifications WHERE id = $1`,
      [notificationId],
    )) as Array<{
      id: string;
      kind: string;
      person_id: string;
      payload: NotificationPayload | null;
      status: string;
    }>;
    // Sent already (a retried or replayed job), or nothing to send: done.
    if (!n || n.status !== 'pending' || !n.payload) return 'skipped';
    const address =
      (await resolveSafeChannels(db, [n.person_id], this.clock.now())).get(n.person_id) ?? null;
    if (!address?.ok) {
      const reason = address?.reason ?? 'no_safe_contact';
      const marked = await rowsOf<{ id: string }>(
        db,
        `UPDATE notifications SET status = 'no_safe_channel', reason = $2, safe_contact_id = $3,
                updated_at = $4
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [n.id, reason, address?.safeContactId ?? null, this.clock.now()],
      );
      if (marked.length > 0) {
        this.metrics.notifications.inc({ outcome: 'no_safe_channel' });
        // Identifiers and reasons only: never the person or the contact.
        this.logger.log(
          { notificationId: n.id, kind: n.kind, reason },
          'notification not sent: no safe channel',
        );
      }
      return 'no_safe_channel';
    }
    const payload = readdressed(n.payload, address);
    const addressed = await rowsOf<{ id: string }>(
      db,
      `UPDATE notifications SET channel = $2, safe_contact_id = $3, payload = $4::jsonb
       WHERE id = $1 AND status = 'pending' RETURNING id`,
      [n.id, address.channel, address.safeContactId, JSON.stringify(payload)],
    );
    if (addressed.length === 0) return 'skipped';
    const env = this.runtime.env;
    const url =
      address.channel === 'sms' ? env.NOTIFY_SMS_WEBHOOK_URL : env.NOTIFY_CRISIS_WEBHOOK_URL;
    const secret = env.NOTIFY_WEBHOOK_SECRET;
    if (!url || !secret) {
      const reason = !url
        ? address.channel === 'sms'
          ? 'NOTIFY_SMS_WEBHOOK_URL not set'
          : 'NOTIFY_CRISIS_WEBHOOK_URL not set'
        : 'NOTIFY_WEBHOOK_SECRET not set';
      const marked = await rowsOf<{ id: string }>(
        db,
        `UPDATE notifications SET status = 'not_configured', reason = $2, updated_at = $3
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [n.id, reason, this.clock.now()],
      );
      if (marked.length > 0) {
        this.metrics.notifications.inc({ outcome: 'not_configured' });
        this.logger.warn(
          { notificationId: n.id, kind: n.kind, channel: address.channel, reason },
          'notification not sent: webhook not configured',
        );
      }
      return 'not_configured';
    }
    const startedAt = this.clock.now();
    const rules = await this.ruleSets.activeAt(db, 'notifications', startedAt);
    const timeoutMs = rules.number('notify.attemptTimeoutSeconds') * 1000;
    await db.query(
      `UPDATE notifications SET attempts = attempts + 1, last_attempt_at = $2, updated_at = $2 WHERE id = $1`,
      [n.id, startedAt],
    );
    const body = JSON.stringify(payload);
    const timestamp = String(Math.floor(startedAt.getTime() / 1000));
    let failure: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': n.id,
          'x-timestamp': timestamp,
          'x-signature': signWebhook(secret, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(timeoutMs),
        redirect: 'error',
      });
      // The answer's body is not read into anything: only its status counts.
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status > 299) failure = `HTTP ${res.status}`;
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      failure =
        e.name === 'TimeoutError'
          ? `timeout after ${timeoutMs} ms`
          : `network error ${e.cause?.code ?? e.name}`;
    }
    const now = this.clock.now();
    if (failure) {
      await db.query(`UPDATE notifications SET last_error = $2, updated_at = $3 WHERE id = $1`, [
        n.id,
        failure,
        now,
      ]);
      this.metrics.notifications.inc({ outcome: 'failed' });
      this.logger.warn(
        { notificationId: n.id, kind: n.kind, failure },
        'notification attempt failed',
      );
      throw new DeliveryFailed(failure);
    }
    await db.query(
      `UPDATE notifications SET status = 'sent', sent_at = $2, last_error = NULL, updated_at = $2
       WHERE id = $1 AND status = 'pending'`,
      [n.id, now],
    );
    this.metrics.notifications.inc({ outcome: 'sent' });
    return 'sent';
  }

  private async markDead(notificationId: string, jobId: string): Promise<void> {
    const marked = await rowsOf<{ id: string; kind: string }>(
      this.uow.manager(),
      `UPDATE notifications SET status = 'dead', updated_at = $2
       WHERE id = $1 AND status = 'pending' AND job_id = $3 RETURNING id, kind`,
      [notificationId, this.clock.now(), jobId],
    );
    for (const m of marked) {
      this.metrics.notifications.inc({ outcome: 'dead' });
      this.logger.warn(
        { notificationId: m.id, kind: m.kind },
        'notification dead: retries ran out',
      );
    }
  }
}
