import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Prometheus metrics: process defaults plus requests by route (the route template) and status. */
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

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route template and status class (2xx, 4xx, 5xx); errors are the 4xx and 5xx series',
    labelNames: ['method', 'route', 'status_class'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Called once per answered request (bootstrap's onResponse hook). */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpDuration.labels(method, route, String(status)).observe(seconds);
    this.httpRequests.labels(method, route, `${Math.floor(status / 100)}xx`).inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
