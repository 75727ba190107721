import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { call, CallStream, districtIdsByCode, login, Tally } from './support/client';
import {
  checkAlerts,
  checkCalls,
  checkCrews,
  checkIntegrity,
  connect,
  verifyChains,
} from './support/checks';
import { FaultEnv, summary } from './support/fault-env';

const LOAD_SECONDS = Number(process.env.FAULTS_MIXED_SECONDS ?? 30);
const pick = <T>(xs: T[]): T => xs[randomInt(xs.length)];

/**
 * Two API instances and two workers on one database under a mixed load: coded calls to either
 * instance, dispatchers on both instances racing to send the same crews to different incidents
 * and moving crews through their steps, alerts fired by both workers and acknowledged from both
 * instances at once. No crew may be on two incidents, no alert may fire twice, chains verify.
 */
describe('fault: two APIs and two workers on one database under a mixed load', () => {
  let env: FaultEnv;
  afterAll(async () => env?.close());

  it('puts no crew on two incidents, fires no alert twice, and every chain verifies', async () => {
    env = await FaultEnv.create('two-instances');
    await env.run(async () => {
      const apis = [env.service('api-1', 'api'), env.service('api-2', 'api')];
      const workers = [env.service('worker-1', 'worker'), env.service('worker-2', 'worker')];
      // Both API instances start at once: migrations and the demo seed run once between them.
      await Promise.all(apis.map((a) => a.start()));
      await Promise.all(workers.map((w) => w.start()));
      const urls = apis.map((a) => a.baseUrl);

      const admin = await login(urls[0], 'admin');
      const validFrom = new Date(Date.now() + 2000);
      const policy = await call(urls[1], 'POST', '/policies', {
        token: admin,
        body: {
          kind: 'deadlines',
          version: 'faults.2',
          validFrom: validFrom.toISOString(),
          values: {
            'alert.codedCallUnassignedSeconds': { value: 5, unit: 's', citation: 'fault test' },
            'alert.unacknowledgedEscalationSeconds': {
              value: 15,
              unit: 's',
              citation: 'fault test',
            },
          },
        },
      });
      expect(policy.status).toBe(201);
      await sleep(Math.max(0, validFrom.getTime() - Date.now()) + 500);

      const token = await login(urls[0], 'dispatcher');
      const codes = await districtIdsByCode(urls[0], token);
      const districts = [codes['AST-YESIL'], codes['AST-ALMATY']];
      const units = (
        await Promise.all(
          districts.map((d) => call(urls[0], 'GET', `/units?districtId=${d}`, { token })),
        )
      ).flatMap((r) => (r.body as unknown as Array<{ id: string }>).map((u) => u.id));
      expect(units.length).toBeGreaterThanOrEqual(4);

      const open: string[] = [];
      const stream = new CallStream(
        () => urls,
        token,
        districts,
        'mixed',
        (c) => {
          open.push(c.incidentId!);
        },
      );
      const tally = new Tally();
      const unexpected: Array<{ what: string; status: number; code: unknown }> = [];
      const note = (what: string, r: { status: number; body: Record<string, unknown> | null }) => {
        tally.add(r.status);
        if (r.status <= 0 || r.status >= 500 || r.status === 401 || r.status === 403)
          unexpected.push({ what, status: r.status, code: r.body?.code });
      };
      const assigned: string[] = [];
      let races = 0;
      let bothWon = 0;
      let stopping = false;

      /** Two dispatchers, one on each instance, send the same crew to two incidents at once. */
      const dispatcher = async () => {
        while (!stopping) {
          if (open.length < 2) {
            await sleep(100);
            continue;
          }
          const i1 = open.splice(randomInt(open.length), 1)[0];
          const i2 = open.splice(randomInt(open.length), 1)[0];
          const unitId = pick(units);
          races += 1;
          const answers = await Promise.all(
            [i1, i2].map((incidentId, n) =>
              call(urls[n], 'POST', `/incidents/${incidentId}/assignments`, {
                token,
                body: { unitId },
              }),
            ),
          );
          answers.forEach((r) => note('assign', r));
          const won = answers.filter((r) => r.status === 201);
          if (won.length > 1) bothWon += 1;
          // The loser's incident goes back to the queue for another crew.
          [i1, i2].forEach((id, n) => answers[n].status !== 201 && open.push(id));
          for (const r of won) {
            const assignmentId = r.body?.assignmentId as string;
            assigned.push(assignmentId);
            // The crew goes en route, arrives and clears (steps on either instance), then is free.
            for (const status of ['en_route', 'on_scene', 'cleared']) {
              await sleep(randomInt(50, 300));
              note(
                status,
                await call(pick(urls), 'POST', `/assignments/${assignmentId}/status`, {
                  token,
                  body: { status },
                }),
              );
            }
          }
        }
      };

      /** Supervisors on both instances acknowledge the same open alert at once. */
      const supervisorToken = await login(urls[1], 'supervisor');
      let acks = 0;
      const acknowledger = async () => {
        while (!stopping) {
          const r = await call(pick(urls), 'GET', '/alerts?status=open&limit=20', {
            token: supervisorToken,
          });
          note('alerts', r);
          const list = (r.status === 200 ? (r.body as unknown as Array<{ id: string }>) : []) ?? [];
          if (list.length > 0 && randomInt(3) === 0) {
            const id = pick(list).id;
            const both = await Promise.all(
              urls.map((u) => call(u, 'POST', `/alerts/${id}/ack`, { token: supervisorToken })),
            );
            both.forEach((a) => note('ack', a));
            acks += 1;
          }
          await sleep(500);
        }
      };

      stream.start(3);
      const actors = [dispatcher(), dispatcher(), dispatcher(), acknowledger()];
      await sleep(LOAD_SECONDS * 1000);
      stopping = true;
      await stream.stop();
      await Promise.all(actors);
      const db = await connect(env.databaseUrl);
      try {
        // Let the last deadlines (5 s) and their escalations (15 s) fall due and fire.
        const lastAck = Math.max(...stream.sent.map((c) => c.ackedAt ?? 0));
        while (Date.now() < lastAck + 90_000) {
          const { rows } = await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM deadlines WHERE state = 'pending' AND due_at <= now()`,
          );
          if (Date.now() > lastAck + 25_000 && Number(rows[0].n) === 0) break;
          await sleep(500);
        }
        const calls = await checkCalls(db, stream.sent);
        const integrity = await checkIntegrity(db);
        const crews = await checkCrews(db);
        const alerts = await checkAlerts(db);
        const chains = await verifyChains(db);
        const storedAssignments = Number(
          (
            await db.query<{ n: string }>(
              `SELECT count(*) AS n FROM assignments WHERE id = ANY($1::uuid[])`,
              [assigned],
            )
          ).rows[0].n,
        );
        const { rows: firedBy } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM alerts`);
        summary({
          test: 'two-apis-two-workers',
          seconds: LOAD_SECONDS,
          sent: stream.sent.length,
          acknowledged: calls.acknowledged,
          lost: calls.lost + (assigned.length - storedAssignments),
          duplicated: calls.duplicated + alerts.duplicated,
          races,
          racesBothWon: bothWon,
          assignments: assigned.length,
          crewsActiveTwice: crews.activeTwice,
          crewOverlaps: crews.overlapping,
          alerts: Number(firedBy[0].n),
          alertsMissed: alerts.missed,
          maxAlertLagSeconds: alerts.maxLagSeconds,
          alertAcks: acks,
          halfWritten: Object.values(integrity).reduce((s, n) => s + n, 0),
          chainsOk: chains.ok,
          eventsChecked: chains.eventsChecked,
          statuses: tally.toJSON(),
          callStatuses: stream.tally.toJSON(),
        });
        expect(unexpected).toEqual([]);
        expect(stream.unexpected).toEqual([]);
        // The load really raced: crews were contended and alerts fired and were acknowledged.
        expect(races).toBeGreaterThan(10);
        expect(assigned.length).toBeGreaterThan(5);
        expect(tally.count((s) => s === 409)).toBeGreaterThan(0);
        expect(Number(firedBy[0].n)).toBeGreaterThan(0);
        expect(acks).toBeGreaterThan(0);
        expect(bothWon).toBe(0);
        expect(crews).toEqual({ activeTwice: 0, overlapping: 0 });
        expect(storedAssignments).toBe(assigned.length);
        expect(alerts.duplicated).toBe(0);
        expect(alerts.missed).toBe(0);
        expect(alerts.lateOver120s).toBe(0);
        expect(calls.lost).toBe(0);
        expect(calls.duplicated).toBe(0);
        expect(Object.values(integrity).every((n) => n === 0)).toBe(true);
        expect(chains.ok).toBe(true);
      } finally {
        await db.end();
      }
    });
  });
});
