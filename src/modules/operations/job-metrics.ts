import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from './metrics.service';

/** Jobs whose failure series exist from start-up; others appear at their first failure. */
const KNOWN_JOBS = ['deadlines', 'checkpoint'];

/**
 * What background jobs report for the operator: the small interface other modules call (the
 * deadline runner, outbound notifications). Each process exposes its own figures: the API on
 * GET /metrics, a worker on METRICS_PORT.
 */
@Injectable()
export class JobMetrics {
  private readonly failures: Counter<'job'>;
  private readonly lag: Histogram;

  constructor(metrics: MetricsService) {
    this.failures = new Counter({
      name: 'job_failures_total',
      help: 'Failed job runs (a batch or delivery that threw) by job',
      labelNames: ['job'] as const,
      registers: [metrics.registry],
    });
    // The series exist at 0 from the start, so rate() and increase() see the first failure.
    for (const job of KNOWN_JOBS) this.failures.labels(job).inc(0);
    this.lag = new Histogram({
      name: 'deadline_fire_lag_seconds',
      help: 'Seconds between a deadline falling due and its alert being committed',
      buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
      registers: [metrics.registry],
    });
  }

  /** A job run failed; `job` is a short fixed name (`deadlines`, `notifications`, ...). */
  jobFailed(job: string): void {
    this.failures.labels(job).inc();
  }

  /** Alerts committed: each one's lag behind its due time, in seconds. */
  deadlinesFired(lagSeconds: number[]): void {
    for (const s of lagSeconds) this.lag.observe(Math.max(0, s));
  }
}
