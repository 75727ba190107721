import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CallStream, districtIdsByCode, login } from './support/client';
import { checkCalls, checkIntegrity, connect, verifyChains } from './support/checks';
import { FaultEnv, summary } from './support/fault-env';

const KILLS = Number(process.env.FAULTS_API_KILLS ?? 10);

/**
 * SIGKILL of the API during a stream of coded calls, ten times. Every call the client saw
 * acknowledged must be stored exactly once with all that its transaction writes, and every hash
 * chain must verify. Calls cut mid-flight are retried with their Idempotency-Key, so a call that
 * committed before the kill comes back as itself instead of twice.
 */
describe('fault: SIGKILL of the API during a stream of calls', () => {
  let env: FaultEnv;
  afterAll(async () => env?.close());

  it(`loses and duplicates nothing over ${KILLS} kills, and the chains verify`, async () => {
    env = await FaultEnv.create('api-kill');
    await env.run(async () => {
      const api = env.service('api', 'api');
      await api.start();
      const token = await login(api.baseUrl, 'dispatcher');
      const codes = await districtIdsByCode(api.baseUrl, token);
      const stream = new CallStream(
        () => [api.baseUrl],
        token,
        [codes['AST-YESIL'], codes['AST-ALMATY'] ?? codes['AST-YESIL']],
        'apikill',
      );
      stream.start(8);
      const restartSeconds: number[] = [];
      let ackedBeforeKill = 0;
      for (let k = 0; k < KILLS; k++) {
        // Let calls flow for a while, then cut the process while requests are in flight.
        const before = stream.sent.filter((c) => c.callId).length;
        await sleep(randomInt(1500, 3000));
        ackedBeforeKill += stream.sent.filter((c) => c.callId).length - before;
        await api.kill('SIGKILL');
        restartSeconds.push(await api.start());
      }
      await sleep(1500);
      await stream.stop();

      const db = await connect(env.databaseUrl);
      try {
        const calls = await checkCalls(db, stream.sent);
        const integrity = await checkIntegrity(db);
        const chains = await verifyChains(db);
        const line = {
          test: 'api-sigkill',
          kills: KILLS,
          transactionsCut: env.transactionsCut(),
          sent: stream.sent.length,
          attempts: stream.tally.count(() => true),
          cutInFlight: stream.tally.count((s) => s === -1),
          refused: stream.tally.count((s) => s === 0),
          acknowledged: calls.acknowledged,
          lost: calls.lost,
          duplicated: calls.duplicated,
          committedUnacknowledged: calls.committedUnacknowledged,
          halfWritten: Object.values(integrity).reduce((s, n) => s + n, 0),
          chainsOk: chains.ok,
          streamsChecked: chains.streamsChecked,
          eventsChecked: chains.eventsChecked,
          recoverySeconds: Number(Math.max(...restartSeconds).toFixed(2)),
          meanRestartSeconds: Number(
            (restartSeconds.reduce((s, x) => s + x, 0) / restartSeconds.length).toFixed(2),
          ),
          statuses: stream.tally.toJSON(),
          unexpected: stream.unexpected.length,
        };
        summary(line);
        // The kills must have cut real traffic, or the test proves nothing.
        expect(ackedBeforeKill).toBeGreaterThan(KILLS);
        expect(stream.tally.count((s) => s <= 0)).toBeGreaterThan(0);
        expect(stream.unexpected).toEqual([]);
        expect(calls.acknowledged).toBe(stream.sent.length);
        expect(calls.lost).toBe(0);
        expect(calls.duplicated).toBe(0);
        expect(calls.mismatched).toBe(0);
        expect(calls.committedUnacknowledged).toBe(0);
        expect(integrity).toEqual({
          callsWithoutIncident: 0,
          callIncidentsWithoutCall: 0,
          incidentsWithoutEvents: 0,
          incidentsWithoutHead: 0,
          codedIncidentsWithoutDeadline: 0,
          idempotencyKeysWithoutCall: 0,
        });
        expect(chains.ok).toBe(true);
      } finally {
        await db.end();
      }
    });
  });
});
