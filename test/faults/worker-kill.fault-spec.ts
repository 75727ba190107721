import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, CallStream, districtIdsByCode, login } from './support/client';
import { checkAlerts, connect, verifyChains } from './support/checks';
import { freePort } from './support/cluster';
import { FaultEnv, summary } from './support/fault-env';

const KILLS = Number(process.env.FAULTS_WORKER_KILLS ?? 5);

/**
 * SIGKILL of the worker while deadlines are due. A rule set with short values (a coded call
 * unassigned after 5 s, an unacknowledged alert escalated after 20 s) makes a stream of coded
 * calls a stream of due deadlines; the only worker is killed mid-stream again and again and
 * restarted. Each deadline must give exactly one alert, within two minutes of falling due.
 */
describe('fault: SIGKILL of a worker while deadlines are due', () => {
  let env: FaultEnv;
  afterAll(async () => env?.close());

  it(`fires each alert once and within 2 minutes over ${KILLS} kills`, async () => {
    env = await FaultEnv.create('worker-kill');
    await env.run(async () => {
      const api = env.service('api', 'api');
      const metricsPort = await freePort();
      const worker = env.service('worker', 'worker', { METRICS_PORT: String(metricsPort) });
      await api.start();
      await worker.start();
      const admin = await login(api.baseUrl, 'admin');
      const validFrom = new Date(Date.now() + 2000);
      const policy = await call(api.baseUrl, 'POST', '/policies', {
        token: admin,
        body: {
          kind: 'deadlines',
          version: 'faults.1',
          validFrom: validFrom.toISOString(),
          description: 'fault test: short deadlines',
          values: {
            'alert.codedCallUnassignedSeconds': {
              value: 5,
              unit: 's',
              citation: 'fault test rule set (test/faults)',
            },
            'alert.unacknowledgedEscalationSeconds': {
              value: 20,
              unit: 's',
              citation: 'fault test rule set (test/faults)',
            },
          },
        },
      });
      expect(policy.status).toBe(201);
      await sleep(Math.max(0, validFrom.getTime() - Date.now()) + 500);

      const token = await login(api.baseUrl, 'dispatcher');
      const codes = await districtIdsByCode(api.baseUrl, token);
      const db = await connect(env.databaseUrl);
      try {
        const dueNow = async () =>
          Number(
            (
              await db.query<{ n: string }>(
                `SELECT count(*) AS n FROM deadlines WHERE state = 'pending' AND due_at <= now()`,
              )
            ).rows[0].n,
          );
        const stream = new CallStream(() => [api.baseUrl], token, [codes['AST-YESIL']], 'wkill');
        stream.start(2);
        await sleep(6000);
        const dueAtKill: number[] = [];
        const restartSeconds: number[] = [];
        for (let k = 0; k < KILLS; k++) {
          await sleep(randomInt(1000, 3000));
          dueAtKill.push(await dueNow());
          await worker.kill('SIGKILL');
          restartSeconds.push(await worker.start());
        }
        await stream.stop();
        const lastAck = Math.max(...stream.sent.map((c) => c.ackedAt ?? 0));
        // Every coded call's deadline (5 s) and its escalation (20 s after the alert) falls due.
        const settleBy = lastAck + 60_000;
        while (Date.now() < settleBy) {
          if (Date.now() > lastAck + 30_000 && (await dueNow()) === 0) break;
          await sleep(500);
        }

        const alerts = await checkAlerts(db);
        const { rows } = await db.query<{ kind: string; n: string }>(
          `SELECT kind, count(*) AS n FROM alerts GROUP BY kind`,
        );
        const byKind = Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
        const chains = await verifyChains(db);
        // The last worker's own lag histogram (since its start) saw the alerts it fired.
        const workerMetrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        const lagObserved = Number(
          /^deadline_fire_lag_seconds_count (\d+)$/m.exec(workerMetrics)?.[1] ?? -1,
        );
        summary({
          test: 'worker-sigkill',
          kills: KILLS,
          sent: stream.sent.length,
          acknowledged: stream.sent.filter((c) => c.callId).length,
          deadlinesDue: alerts.deadlinesDue,
          alerts: alerts.alerts,
          alertsByKind: byKind,
          duplicated: alerts.duplicated,
          lost: alerts.missed,
          lateOver120s: alerts.lateOver120s,
          maxLagSeconds: alerts.maxLagSeconds,
          p99LagSeconds: alerts.p99LagSeconds,
          dueAtKill,
          transactionsCut: env.transactionsCut(),
          recoverySeconds: Number(Math.max(...restartSeconds).toFixed(2)),
          chainsOk: chains.ok,
          lastWorkerLagObservations: lagObserved,
        });
        // The kills landed while deadlines were due, or the test proves nothing.
        expect(dueAtKill.some((n) => n > 0)).toBe(true);
        expect(stream.unexpected).toEqual([]);
        // One alert per coded call (none was assigned), none twice, none late, none left behind.
        expect(byKind.coded_call_unassigned).toBe(stream.sent.filter((c) => c.callId).length);
        expect(byKind.alert_unacknowledged).toBe(byKind.coded_call_unassigned);
        expect(alerts.duplicated).toBe(0);
        expect(alerts.missed).toBe(0);
        expect(alerts.lateOver120s).toBe(0);
        expect(alerts.maxLagSeconds).toBeLessThan(120);
        expect(chains.ok).toBe(true);
        expect(lagObserved).toBeGreaterThan(0);
      } finally {
        await db.end();
      }
    });
  });
});
