import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Clock } from '@app/kz';
import { Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { MetricsService } from './metrics.service';

/** Scrapes within this many milliseconds share one reading of the database. */
const SNAPSHOT_TTL_MS = 1500;
/** A due deadline not fired this long after its due time counts as late. */
const LATE_AFTER_SECONDS = 60;

interface Snapshot {
  queue: Array<{ priority: number; n: number; oldest: number }>;
  alerts: Array<{ kind: string; n: number }>;
  due: number;
  late: number;
  oldestDue: number | null;
}

interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/**
 * The figures an on-call person needs, computed when Prometheus scrapes: the dispatch queue by
 * priority and its oldest waiting incident, open alerts, deadlines due but not fired (a stopped
 * worker shows here first), and this process's database pool. One statement per scrape, shared
 * by every gauge and by scrapes within SNAPSHOT_TTL_MS.
 *
 * When that statement fails, the database-read series are left out of the scrape (unknown), never
 * served as 0: a 0 for the priority 1 queue would resolve the "P1 waiting" alert during a database
 * outage. `metrics_database_up 0` says why they are missing.
 */
@Injectable()
export class OperationalGauges implements OnModuleInit {
  private cached: { at: number; value: Promise<Snapshot | null> } | null = null;

  constructor(
    private readonly metrics: MetricsService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const snapshot = () => this.snapshot();
    new Gauge({
      name: 'dispatch_queue_length',
      help: 'Incidents waiting for a crew, by priority (1 = life at risk)',
      labelNames: ['priority'] as const,
      registers,
      async collect() {
        this.reset();
        const s = await snapshot();
        if (!s) return;
        for (const p of [1, 2, 3, 4]) {
          this.labels(String(p)).set(s.queue.find((q) => q.priority === p)?.n ?? 0);
        }
      },
    });
    new Gauge({
      name: 'dispatch_queue_oldest_waiting_seconds',
      help: 'Waiting time of the longest-waiting undispatched incident, by priority (0 when none)',
      labelNames: ['priority'] as const,
      registers,
      async collect() {
        this.reset();
        const s = await snapshot();
        if (!s) return;
        for (const p of [1, 2, 3, 4]) {
          this.labels(String(p)).set(s.queue.find((q) => q.priority === p)?.oldest ?? 0);
        }
      },
    });
    new Gauge({
      name: 'alerts_open',
      help: 'Alerts raised and not yet acknowledged, by kind',
      labelNames: ['kind'] as const,
      registers,
      async collect() {
        this.reset();
        const s = await snapshot();
        for (const a of s?.alerts ?? []) this.labels(a.kind).set(a.n);
      },
    });
    new Gauge({
      name: 'deadlines_due_unfired',
      help: `Deadlines past their due time and not yet fired; lateness="late" when more than ${LATE_AFTER_SECONDS} s past`,
      labelNames: ['lateness'] as const,
      registers,
      async collect() {
        this.reset();
        const s = await snapshot();
        if (!s) return;
        this.labels('due').set(s.due);
        this.labels('late').set(s.late);
      },
    });
    new Gauge({
      name: 'deadlines_oldest_due_unfired_seconds',
      help: 'How long the oldest due, unfired deadline has waited (0 when none): grows when no worker runs',
      registers,
      async collect() {
        const s = await snapshot();
        if (s) this.set(s.oldestDue ?? 0);
        // Unlabelled, reset() would leave a 0: remove() drops the series itself.
        else this.remove();
      },
    });
    new Gauge({
      name: 'metrics_database_up',
      help: '1 when the scrape could read the database, 0 when it could not',
      registers,
      async collect() {
        this.set((await snapshot()) ? 1 : 0);
      },
    });
    const pool = () => this.pool();
    new Gauge({
      name: 'db_pool_connections',
      help: "This process's PostgreSQL pool: total, idle and in-use connections, waiting requests, and its maximum",
      labelNames: ['state'] as const,
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        this.labels('total').set(p.totalCount);
        this.labels('idle').set(p.idleCount);
        this.labels('in_use').set(p.totalCount - p.idleCount);
        this.labels('waiting').set(p.waitingCount);
        if (p.options?.max !== undefined) this.labels('max').set(p.options.max);
      },
    });
  }

  private pool(): PgPool | null {
    const driver = this.dataSource.driver as unknown as { master?: PgPool };
    return driver.master ?? null;
  }

  /** One reading of the database for all gauges; null when the database does not answer. */
  private snapshot(): Promise<Snapshot | null> {
    const now = performance.now();
    if (this.cached && now - this.cached.at < SNAPSHOT_TTL_MS) return this.cached.value;
    const value = this.read().catch(() => null);
    this.cached = { at: now, value };
    return value;
  }

  private async read(): Promise<Snapshot> {
    const at = this.clock.now();
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT coalesce(json_agg(q), '[]') FROM (
            SELECT priority, count(*)::int AS n,
                   GREATEST(0, EXTRACT(EPOCH FROM ($1::timestamptz - min(received_at))))::float8 AS oldest
            FROM incidents WHERE status = 'open' GROUP BY priority) q) AS queue,
         (SELECT coalesce(json_agg(a), '[]') FROM (
            SELECT kind, count(*)::int AS n FROM alerts WHERE status = 'open' GROUP BY kind) a) AS alerts,
         (SELECT count(*)::int FROM deadlines WHERE state = 'pending' AND due_at <= $1) AS due,
         (SELECT count(*)::int FROM deadlines WHERE state = 'pending'
            AND due_at <= $1::timestamptz - make_interval(secs => $2)) AS late,
         (SELECT EXTRACT(EPOCH FROM ($1::timestamptz - min(due_at)))::float8 FROM deadlines
            WHERE state = 'pending' AND due_at <= $1) AS oldest_due`,
      [at, LATE_AFTER_SECONDS],
    )) as Array<{
      queue: Snapshot['queue'];
      alerts: Snapshot['alerts'];
      due: number;
      late: number;
      oldest_due: number | null;
    }>;
    return {
      queue: row.queue,
      alerts: row.alerts,
      due: row.due,
      late: row.late,
      oldestDue: row.oldest_due,
    };
  }
}
