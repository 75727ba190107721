import { type AddressInfo } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeadlineRunner } from '../src/modules/deadlines/application/deadline-runner';
import { JobMetrics } from '../src/modules/operations/job-metrics';
import { startMetricsListener } from '../src/modules/operations/metrics-listener';
import { MetricsService } from '../src/modules/operations/metrics.service';
import { OperationalGauges } from '../src/modules/operations/operational-gauges';
import { createTestApp, districtIds, testDatabaseUrl, userWithToken } from './support/test-app';

/** The value of one series in Prometheus text (0 when absent). */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe("/metrics: the on-call person's figures", () => {
  // Its own stretch of 2028: deadlines here fall due when this clock says so.
  const clock = new FakeClock('2028-06-01T08:00:00.000Z');
  let app: NestFastifyApplication;
  let adminToken: string;
  let dispatcherToken: string;
  let yesil: string;
  const http = () => request(app.getHttpServer());
  const scrape = async () => {
    // Gauges share one database reading for 1.5 s; a test reading twice waits it out.
    await new Promise((r) => setTimeout(r, 1600));
    const res = await http().get('/api/v1/metrics').auth(adminToken, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.text;
  };

  beforeAll(async () => {
    app = await createTestApp({ clock });
    [yesil] = await districtIds(app, 'AST-YESIL');
    adminToken = (await userWithToken(app, 'admin')).token;
    dispatcherToken = (await userWithToken(app, 'dispatcher', ['AST-YESIL'])).token;
  });
  afterAll(async () => app.close());

  it('stays admin-only', async () => {
    expect((await http().get('/api/v1/metrics')).status).toBe(401);
    expect(
      (await http().get('/api/v1/metrics').auth(dispatcherToken, { type: 'bearer' })).status,
    ).toBe(403);
  });

  it('counts requests and errors by route template and status class, queue and alerts from the database', async () => {
    const before = await scrape();
    const p1 = 'dispatch_queue_length{priority="1"}';
    const posted = 'http_requests_total{method="POST",route="/api/v1/calls",status_class="2xx"}';
    const missing =
      'http_requests_total{method="GET",route="/api/v1/incidents/:id",status_class="4xx"}';
    const dueSeries = 'deadlines_due_unfired{lateness="due"}';
    const lateSeries = 'deadlines_due_unfired{lateness="late"}';
    const openCoded = 'alerts_open{kind="coded_call_unassigned"}';

    // A coded call is priority 1 and opens a deadline (a crew within the rule set's 60 s).
    const call = await http()
      .post('/api/v1/calls')
      .auth(dispatcherToken, { type: 'bearer' })
      .send({ districtId: yesil, address: 'ул. Метрики 1', coded: true });
    expect(call.status).toBe(201);
    expect(call.body.priority).toBe(1);
    const unknownId = '0b6f5e9a-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
    const notFound = await http()
      .get(`/api/v1/incidents/${unknownId}`)
      .auth(dispatcherToken, { type: 'bearer' });
    expect(notFound.status).toBe(404);
    // 30 s past the call's deadline (whatever the rule set in force says; other specs add versions).
    const [deadline] = (await app
      .get(DataSource)
      .query(
        `SELECT due_at FROM deadlines WHERE subject_id = $1 AND kind = 'coded_call_unassigned'`,
        [call.body.incidentId],
      )) as Array<{ due_at: Date }>;
    expect(deadline.due_at.getTime()).toBeGreaterThan(clock.now().getTime());
    clock.set(new Date(deadline.due_at.getTime() + 30_000));

    const after = await scrape();
    expect(value(after, posted)).toBe(value(before, posted) + 1);
    expect(value(after, missing)).toBe(value(before, missing) + 1);
    // The route template, never the raw URL with its id.
    expect(after).not.toContain(unknownId);
    expect(value(after, p1)).toBe(value(before, p1) + 1);
    expect(
      value(after, 'dispatch_queue_oldest_waiting_seconds{priority="1"}'),
    ).toBeGreaterThanOrEqual(30);
    // 30 s after it fell due, the call's deadline is due and unfired.
    expect(value(after, dueSeries)).toBeGreaterThanOrEqual(1);
    expect(value(after, 'deadlines_oldest_due_unfired_seconds')).toBeGreaterThanOrEqual(30);
    expect(value(after, 'metrics_database_up')).toBe(1);
    expect(value(after, 'db_pool_connections{state="max"}')).toBe(10);
    expect(value(after, 'db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    // Requests waiting for a connection (a connection being opened counts too): present, bounded.
    expect(after).toMatch(/^db_pool_connections\{state="waiting"\} \d+$/m);
    expect(after).toContain('job_failures_total{job="deadlines"} 0');

    // Fired: the due count drops, the open alert shows, and the lag lands in the histogram.
    const lagCount = value(after, 'deadline_fire_lag_seconds_count');
    const runner = app.get(DeadlineRunner);
    for (;;) if ((await runner.fireDue(200)).claimed < 200) break;
    const fired = await scrape();
    expect(value(fired, dueSeries)).toBe(0);
    expect(value(fired, lateSeries)).toBe(0);
    expect(value(fired, openCoded)).toBeGreaterThanOrEqual(value(after, openCoded) + 1);
    expect(value(fired, 'deadline_fire_lag_seconds_count')).toBeGreaterThanOrEqual(lagCount + 1);
    // This call's deadline fired 30 s after it fell due.
    expect(value(fired, 'deadline_fire_lag_seconds_bucket{le="60"}')).toBeGreaterThanOrEqual(
      value(after, 'deadline_fire_lag_seconds_bucket{le="60"}') + 1,
    );
  });

  it('counts job failures through JobMetrics', async () => {
    app.get(JobMetrics).jobFailed('deadlines');
    const text = await scrape();
    expect(value(text, 'job_failures_total{job="deadlines"}')).toBe(1);
  });

  it('leaves the database-read series out, never 0, when the database cannot be read', async () => {
    // Gauges of their own on a connection of their own, which then goes away under them: the
    // scrape's statement fails as in an outage (the shared test database keeps running).
    const metrics = new MetricsService();
    const own = new DataSource({ type: 'postgres', url: testDatabaseUrl() });
    await own.initialize();
    new OperationalGauges(metrics, own, clock).onModuleInit();
    const up = await metrics.text();
    expect(value(up, 'metrics_database_up')).toBe(1);
    expect(up).toMatch(/^dispatch_queue_length\{priority="1"\} \d+$/m);
    expect(up).toMatch(/^dispatch_queue_oldest_waiting_seconds\{priority="1"\} [\d.e+-]+$/m);
    expect(up).toMatch(/^deadlines_oldest_due_unfired_seconds [\d.e+-]+$/m);
    expect(up).toMatch(/^deadlines_due_unfired\{lateness="due"\} \d+$/m);

    await own.destroy();
    await new Promise((r) => setTimeout(r, 1600)); // past the shared reading's 1.5 s
    const down = await metrics.text();
    expect(value(down, 'metrics_database_up')).toBe(0);
    // A 0 here would resolve "priority 1 waiting" while nobody can see the queue.
    for (const name of [
      'dispatch_queue_length',
      'dispatch_queue_oldest_waiting_seconds',
      'alerts_open',
      'deadlines_due_unfired',
      'deadlines_oldest_due_unfired_seconds',
    ]) {
      expect(down).toContain(`# TYPE ${name} gauge`);
      expect(down.split('\n').filter((l) => l.startsWith(name))).toEqual([]);
    }
  });

  it('serves the same figures, and nothing else, on the internal METRICS_PORT listener', async () => {
    const server = await startMetricsListener(app.get(MetricsService), 0, '127.0.0.1');
    try {
      const port = (server.address() as AddressInfo).port;
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('dispatch_queue_length{priority="1"}');
      expect((await fetch(`http://127.0.0.1:${port}/api/v1/calls`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(
        404,
      );
    } finally {
      server.close();
    }
  });
});
