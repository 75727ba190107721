import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

/**
 * Round trips per request, counted at the pg driver: each statement costs roughly 0.3 ms of Node
 * CPU and 0.25 ms of PostgreSQL CPU, so these counts set the price of a command (issue 8). The
 * bounds are what the code achieves; a change that adds a statement fails here.
 *
 * POST /calls (8): the user re-read (a disabled user is refused at once), BEGIN, the history
 * count, INSERT incidents, the events (CallRegistered + IncidentOpened, new stream: one
 * statement), INSERT calls, the victim found-or-created and linked (one per person given),
 * COMMIT. Rule sets and passphrases come from the in-process cache. The hot ones are prepared
 * once per connection.
 * Assignment (9): user, BEGIN, lock incident, lock crew, the crew's last release (read after
 * the crew's lock, in its own statement: a subquery of the locking statement would read the
 * snapshot taken before waiting for the lock, and miss a release committed meanwhile), the
 * assignment + crew + incident in one statement, lock both stream heads, append to both
 * streams, COMMIT.
 * Queue (2): user, the queue.
 * The appends are announced after COMMIT, on the event notifier's own connection and batched
 * with other commits' (issue 8: a NOTIFY inside the transaction serialised commits): not a
 * round trip of the request, and counted apart, at most one.
 */
const BOUNDS = {
  intake: 8,
  assignment: 9,
  queue: 2,
};

describe('statements per request (issue 8)', () => {
  let app: NestFastifyApplication;
  let admin: User;
  let dispatcher: User;
  let district: string;
  const statements: string[] = [];
  let counting = false;
  const originalQuery = pg.Client.prototype.query;
  let seq = 0;

  beforeAll(async () => {
    // Every statement of every pooled connection goes through Client#query.
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      if (counting) {
        const config = args[0] as string | { text?: string };
        statements.push(typeof config === 'string' ? config : String(config?.text));
      }
      return (originalQuery as (...a: unknown[]) => unknown).apply(this, args);
    } as typeof originalQuery;
    // The live stream's safety-net read of committed events runs once a second in the background,
    // whatever the requests do; it is not a statement of any request, so it stays out of the count.
    app = await createTestApp({ env: { SSE_FEED_POLL_MS: '3600000' } });
    [district] = await districtIds(app, 'AST-YESIL');
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
  });
  afterAll(async () => {
    pg.Client.prototype.query = originalQuery;
    await app.close();
  });

  const http = () => request(app.getHttpServer());
  const postCall = () =>
    http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        callerPhone: `+7701555${String(seq++).padStart(4, '0')}`,
        districtId: district,
        address: `ул. Счётная ${seq}`,
        victim: { fullName: 'Айгерим Счётная', iin: null },
        transcript: 'Здравствуйте, у меня вопрос по доставке',
      });

  async function count<T>(label: string, fn: () => Promise<T>): Promise<{ n: number; result: T }> {
    statements.length = 0;
    counting = true;
    const result = await fn();
    // Give an announcement sent after COMMIT the time to be seen, then count it apart.
    await new Promise((r) => setTimeout(r, 50));
    const announcements = statements.filter((s) => /^\s*SELECT pg_notify\(/.test(s)).length;
    counting = false;
    expect(announcements).toBeLessThanOrEqual(1);
    // The live stream's read of committed events runs every second, whatever the requests.
    const background = statements.filter((s) => s.includes('pg_snapshot_xmin')).length;
    const n = statements.length - announcements - background;
    process.stdout.write(
      `${label}: ${n} statements\n${statements.map((s) => `  ${s.replace(/\s+/g, ' ').slice(0, 140)}`).join('\n')}\n`,
    );
    return { n, result };
  }

  it('registers a call within the bound', async () => {
    await postCall(); // warm caches, as a running instance has them
    const { n, result } = await count('POST /calls', postCall);
    expect(result.status).toBe(201);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(BOUNDS.intake);
  });

  it('assigns a crew within the bound', async () => {
    const warm = await postCall();
    const c = await postCall();
    const units: string[] = [];
    for (let i = 0; i < 2; i++) {
      const u = await http()
        .post('/api/v1/units')
        .auth(admin.token, { type: 'bearer' })
        .send({ callSign: `SC-${Date.now().toString(36)}-${i}`, districtId: district });
      expect(u.status).toBe(201);
      units.push(u.body.id as string);
    }
    const assign = (incidentId: string, unitId: string) =>
      http()
        .post(`/api/v1/incidents/${incidentId}/assignments`)
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ unitId });
    expect((await assign(warm.body.incidentId, units[0])).status).toBe(201);
    const { n, result } = await count('POST /incidents/{id}/assignments', () =>
      assign(c.body.incidentId, units[1]),
    );
    expect(result.status).toBe(201);
    expect(n).toBeLessThanOrEqual(BOUNDS.assignment);
  });

  it('reads the queue within the bound', async () => {
    const read = () =>
      http()
        .get(`/api/v1/dispatch/queue?districtId=${district}`)
        .auth(dispatcher.token, { type: 'bearer' });
    await read();
    const { n, result } = await count('GET /dispatch/queue', read);
    expect(result.status).toBe(200);
    expect(result.body.length).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(BOUNDS.queue);
  });
});
