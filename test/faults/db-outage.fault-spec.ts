import { setTimeout as sleep } from 'node:timers/promises';
import { call, CallStream, districtIdsByCode, login, Tally } from './support/client';
import { checkCalls, checkIntegrity, connect, verifyChains } from './support/checks';
import { freePort } from './support/cluster';
import { FaultEnv, summary } from './support/fault-env';

const OUTAGE_SECONDS = Number(process.env.FAULTS_OUTAGE_SECONDS ?? 10);

/**
 * PostgreSQL stopped (fast shutdown) for ten seconds under load, then started again on the same
 * data and port. While it is down the API answers 503 (never 401, never 500); afterwards the same
 * processes serve again without a restart, and nothing acknowledged is lost.
 */
describe('fault: PostgreSQL stopped for ten seconds under load', () => {
  let env: FaultEnv;
  afterAll(async () => env?.close());

  it('answers 503 meanwhile, recovers without a restart, and loses nothing acknowledged', async () => {
    env = await FaultEnv.create('db-outage');
    await env.run(async () => {
      const api = env.service('api', 'api');
      const metricsPort = await freePort();
      const worker = env.service('worker', 'worker', { METRICS_PORT: String(metricsPort) });
      await api.start();
      await worker.start();
      const apiPid = api.child?.pid;
      const workerPid = worker.child?.pid;
      const token = await login(api.baseUrl, 'dispatcher');
      const codes = await districtIdsByCode(api.baseUrl, token);
      const stream = new CallStream(() => [api.baseUrl], token, [codes['AST-YESIL']], 'outage');

      // Reads and logins beside the writes: neither may turn into 401 or 500 either.
      const reads = new Tally();
      const logins = new Tally();
      const ready = new Tally();
      let probing = true;
      const probes = (async () => {
        while (probing) {
          const [q, l, h] = await Promise.all([
            call(api.baseUrl, 'GET', '/dispatch/queue?limit=5', { token }),
            call(api.baseUrl, 'POST', '/auth/login', {
              body: { username: 'supervisor', password: 'Faults-Demo-Password-2026' },
            }),
            call(api.baseUrl, 'GET', '/health/ready'),
          ]);
          reads.add(q.status);
          logins.add(l.status);
          ready.add(h.status);
          await sleep(200);
        }
      })();

      stream.start(6);
      await sleep(3000);
      const ackedBefore = stream.sent.filter((c) => c.callId).length;
      const downAt = Date.now();
      await env.cluster.stop();
      // A transaction that committed before the shutdown may still answer just after it.
      const stoppedAt = Date.now();
      await sleep(OUTAGE_SECONDS * 1000);
      const ackedDuring = stream.sent.filter(
        (c) => c.ackedAt && c.ackedAt >= stoppedAt + 2000 && c.ackedAt < Date.now(),
      ).length;
      const upAt = Date.now();
      await env.cluster.start();
      // Recovery: from PostgreSQL accepting connections again to the first call acknowledged.
      let firstAckAfter: number | null = null;
      while (Date.now() - upAt < 60_000) {
        const acked = stream.sent.filter((c) => c.ackedAt && c.ackedAt >= upAt);
        if (acked.length > 0) {
          firstAckAfter = Math.min(...acked.map((c) => c.ackedAt!));
          break;
        }
        await sleep(50);
      }
      await sleep(5000);
      await stream.stop();
      probing = false;
      await probes;

      const db = await connect(env.databaseUrl);
      try {
        const calls = await checkCalls(db, stream.sent);
        const integrity = await checkIntegrity(db);
        const chains = await verifyChains(db);
        // The worker's batches failed while the database was down, and said so on /metrics.
        const workerMetrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const jobFailures = Number(
          /^job_failures_total\{job="deadlines"\} (\d+)$/m.exec(workerMetrics)?.[1] ?? -1,
        );
        const all = new Tally();
        for (const t of [stream.tally, reads, logins, ready])
          for (const [s, n] of t.byStatus) for (let i = 0; i < n; i++) all.add(s);
        const line = {
          test: 'db-outage',
          outageSeconds: OUTAGE_SECONDS,
          stopTookSeconds: Number(((stoppedAt - downAt) / 1000).toFixed(2)),
          sent: stream.sent.length,
          acknowledged: calls.acknowledged,
          ackedBeforeOutage: ackedBefore,
          ackedDuringOutage: ackedDuring,
          lost: calls.lost,
          duplicated: calls.duplicated,
          halfWritten: Object.values(integrity).reduce((s, n) => s + n, 0),
          chainsOk: chains.ok,
          recoverySeconds:
            firstAckAfter === null ? null : Number(((firstAckAfter - upAt) / 1000).toFixed(2)),
          writes: stream.tally.toJSON(),
          reads: reads.toJSON(),
          logins: logins.toJSON(),
          ready: ready.toJSON(),
          restarts: api.starts - 1 + (worker.starts - 1),
          workerJobFailures: jobFailures,
        };
        summary(line);
        expect(ackedBefore).toBeGreaterThan(0);
        expect(ackedDuring).toBe(0);
        // The outage was seen: 503s came back, and nothing else but successes did.
        expect(all.count((s) => s === 503)).toBeGreaterThan(0);
        expect(all.count((s) => ![200, 201, 503, 429].includes(s))).toBe(0);
        expect(stream.unexpected).toEqual([]);
        expect(firstAckAfter).not.toBeNull();
        expect((firstAckAfter! - upAt) / 1000).toBeLessThan(30);
        // The same processes served before and after: no restart was needed.
        expect(api.child?.pid).toBe(apiPid);
        expect(worker.child?.pid).toBe(workerPid);
        expect(api.starts).toBe(1);
        expect(jobFailures).toBeGreaterThan(0);
        expect(calls.acknowledged).toBe(stream.sent.length);
        expect(calls.lost).toBe(0);
        expect(calls.duplicated).toBe(0);
        expect(calls.committedUnacknowledged).toBe(0);
        expect(Object.values(integrity).every((n) => n === 0)).toBe(true);
        expect(chains.ok).toBe(true);
        // After recovery the readiness probe says so again.
        expect((await call(api.baseUrl, 'GET', '/health/ready')).status).toBe(200);
      } finally {
        await db.end();
      }
    });
  });
});
