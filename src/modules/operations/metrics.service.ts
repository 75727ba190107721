import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics: process defaults plus request durations by route and status. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  /**
   * Outbound notifications by outcome, counted by the process that decided or delivered them:
   * `sent`, `failed` (one attempt failed; it is retried), `dead` (retries ran out),
   * `not_configured` (no webhook), `no_safe_channel` (nothing sent: no usable safe contact).
   */
  readonly notifications = new Counter({
    name: 'notifications_total',
    help: 'Outbound notifications by outcome (sent, failed attempt, dead, not_configured, no_safe_channel)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
