import { Inject, Injectable, Logger } from '@nestjs/common';
import { rowsOf } from '@app/persistence';
import PgBoss from 'pg-boss';
import { type Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { type Runtime, RUNTIME } from '../../../config/runtime';

/** The delivery queue and its dead-letter queue (created by migration Notifications). */
export const DELIVER_QUEUE = 'notify-deliver';
export const DEAD_QUEUE = 'notify-dead';

export interface DeliveryJobData {
  notificationId: string;
  /** The job's own id, also on its dead letter: a stale dead letter cannot kill a replay. */
  jobId: string;
}

export interface DeliveryJob {
  /** The job's own id (the notification id for its first delivery, a new one for a replay). */
  id: string;
  notificationId: string;
  retryPlan: { retryLimit: number; retryDelay: number; retryBackoff: boolean };
  expireInSeconds: number;
}

/**
 * pg-boss 10 over the application's own connection pool. Jobs are written in the caller's
 * transaction (its `db` executor), so a notification and its job commit together or not at all.
 * Its schema comes from our migrations (`migrate: false` here: instances never run its DDL).
 * Only workers `start()` it: that runs its maintenance, which fails jobs whose worker died once
 * their `expireInSeconds` has passed (cluster-wide, one instance per interval), so they are
 * retried.
 */
@Injectable()
export class NotificationQueue {
  private readonly logger = new Logger(NotificationQueue.name);
  readonly boss: PgBoss;
  private started: Promise<unknown> | null = null;

  constructor(dataSource: DataSource, @Inject(RUNTIME) runtime: Runtime) {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.boss = new PgBoss({
      db: {
        executeSql: (text: string, values: unknown[]) =>
          pool.query(text, values) as Promise<{ rows: unknown[] }>,
      },
      migrate: false,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: runtime.env.NOTIFY_MAINTENANCE_SECONDS,
    });
    // An EventEmitter without an error listener would throw; log the kind of failure only.
    this.boss.on('error', (error: Error & { code?: string }) =>
      this.logger.warn({ err: { type: error.name, code: error.code } }, 'job queue error'),
    );
  }

  /** Enqueues deliveries inside `tx`. A job id already present is skipped (never twice). */
  async enqueue(tx: EntityManager, jobs: DeliveryJob[]): Promise<void> {
    if (jobs.length === 0) return;
    const db = {
      executeSql: async (text: string, values: unknown[]) => ({
        rows: await rowsOf<unknown>(tx, text, values),
      }),
    };
    await this.boss.insert(
      jobs.map((j) => ({
        id: j.id,
        name: DELIVER_QUEUE,
        data: { notificationId: j.notificationId, jobId: j.id } satisfies DeliveryJobData,
        expireInSeconds: j.expireInSeconds,
        deadLetter: DEAD_QUEUE,
        ...j.retryPlan,
      })),
      { db },
    );
  }

  /** Starts maintenance (expiry of orphaned jobs); idempotent. */
  start(): Promise<unknown> {
    this.started ??= this.boss.start();
    return this.started;
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    await this.started.catch(() => undefined);
    this.started = null;
    await this.boss.stop({ graceful: true, close: false, wait: true, timeout: 1000 });
  }

  fetch(queue: string, batchSize: number): Promise<Array<PgBoss.Job<DeliveryJobData>>> {
    return this.boss.fetch<DeliveryJobData>(queue, { batchSize });
  }

  async complete(queue: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.boss.complete(queue, ids);
  }

  async fail(queue: string, id: string, reason: string): Promise<void> {
    await this.boss.fail(queue, id, { message: reason });
  }
}
