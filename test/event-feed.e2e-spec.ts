import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  CommittedEventFeed,
  type EventAppendedNotice,
  EventNotifier,
  EventStore,
} from '@app/event-store';
import { runMigrationsLocked, UnitOfWork } from '@app/persistence';
import { createTestDatabase, dropTestDatabase, FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource, type QueryRunner } from 'typeorm';
import { migrations } from '../migrations';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

/**
 * Issue 8: announcements of appends are sent after commit, best effort, and the live stream also
 * reads the committed events in commit-safe order. These show that the reading misses nothing,
 * whatever order transactions commit in relative to their positions, and that a call whose
 * announcement is lost still reaches a console on another instance.
 */
describe('committed event feed: nothing missed when commits come out of position order', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let dbName: string;
  let ds: DataSource;
  let uow: UnitOfWork;
  const clock = new FakeClock('2026-11-30T05:00:00.000Z');
  const store = new EventStore(() => clock.now());
  const event = (type: string) => ({ type, payload: {}, actorId: null, occurredAt: clock.now() });
  const feedOf = () =>
    new CommittedEventFeed((sql, params) => ds.query(sql, params) as Promise<unknown[]>, 7);
  const ids = (notices: EventAppendedNotice[]) => notices.map((n) => n.streamId);

  beforeAll(async () => {
    const db = await createTestDatabase(adminUrl(), 'event_feed_test');
    dbName = db.name;
    ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      migrations,
      extra: { max: 30 },
    }).initialize();
    await runMigrationsLocked(ds, () => undefined);
    uow = new UnitOfWork(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(adminUrl(), dbName);
  });

  async function begin(): Promise<QueryRunner> {
    const qr = ds.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    return qr;
  }
  async function positionOf(streamId: string): Promise<number> {
    const [row] = (await ds.query(
      `SELECT max(position)::int AS p FROM events WHERE stream_id = $1`,
      [streamId],
    )) as Array<{ p: number }>;
    return row.p;
  }

  it('holds back a later commit behind an earlier transaction still open, then delivers both', async () => {
    const feed = feedOf();
    await feed.start();
    const first = { id: randomUUID(), type: 'incident' };
    const second = { id: randomUUID(), type: 'incident' };
    // `first` takes the lower position and stays open; `second` takes a higher one and commits.
    const a = await begin();
    await store.append(a.manager, first, [event('IncidentOpened')], { expectedVersion: 0 });
    const b = await begin();
    await store.append(b.manager, second, [event('IncidentOpened'), event('UnitAssigned')], {
      expectedVersion: 0,
    });
    await b.commitTransaction();
    await b.release();
    // A reader by position would now move past `second` and never come back for `first`.
    const seen: EventAppendedNotice[] = [...(await feed.read())];
    expect(ids(seen)).not.toContain(second.id);
    expect(ids(seen)).not.toContain(first.id);
    await a.commitTransaction();
    await a.release();
    expect(await positionOf(first.id)).toBeLessThan(await positionOf(second.id));
    seen.push(...(await feed.read()));
    expect(ids(seen).filter((id) => id === first.id || id === second.id)).toEqual([
      first.id,
      second.id,
    ]);
    expect(seen.find((n) => n.streamId === second.id)).toEqual({
      streamId: second.id,
      streamType: 'incident',
      types: ['IncidentOpened', 'UnitAssigned'],
      version: 2,
    });
    // A rolled-back append is never read, and does not stop the feed.
    const c = await begin();
    const lost = { id: randomUUID(), type: 'incident' };
    await store.append(c.manager, lost, [event('Lost')], { expectedVersion: 0 });
    await c.rollbackTransaction();
    await c.release();
    expect(ids(await feed.read())).not.toContain(lost.id);
  });

  it('reads every append of 40 racing transactions exactly once while reading all along', async () => {
    const feed = feedOf();
    await feed.start();
    const seen: EventAppendedNotice[] = [];
    let done = false;
    const reader = (async () => {
      while (!done) {
        seen.push(...(await feed.read()));
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const shared = { id: randomUUID(), type: 'unit' };
    await uow.run((tx) => store.append(tx, shared, [event('UnitCreated')]));
    const streams = Array.from({ length: 40 }, () => ({ id: randomUUID(), type: 'incident' }));
    await Promise.all(
      streams.map((s, i) =>
        uow.run(async (tx) => {
          // Random pauses between taking a position and committing shuffle the commit order.
          await store.append(tx, s, [event('IncidentOpened')], { expectedVersion: 0 });
          await new Promise((r) => setTimeout(r, Math.random() * 30));
          if (i % 4 === 0) await store.append(tx, shared, [event('UnitStatusChanged')]);
          await new Promise((r) => setTimeout(r, Math.random() * 30));
        }),
      ),
    );
    done = true;
    await reader;
    seen.push(...(await feed.read()));
    const wanted = new Set<string>(streams.map((s) => s.id));
    const got = ids(seen).filter((id) => wanted.has(id));
    expect(got.sort()).toEqual([...wanted].sort());
    // The shared stream: its creation and ten changes, each version once.
    const shares = seen.filter((n) => n.streamId === shared.id).map((n) => n.version);
    expect(shares.sort((x, y) => x - y)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
  });

  it('announces a unit of work after it commits, one notification for several streams, never for a rollback', async () => {
    const published: EventAppendedNotice[][] = [];
    const announcing = new EventStore(() => clock.now(), { publish: (n) => published.push(n) });
    const s1 = { id: randomUUID(), type: 'incident' };
    const s2 = { id: randomUUID(), type: 'unit' };
    let seenInside = -1;
    await uow.run(async (tx) => {
      await announcing.append(tx, s1, [event('CallRegistered')], { expectedVersion: 0 });
      await announcing.append(tx, s2, [event('UnitCreated')], { expectedVersion: 0 });
      await announcing.append(tx, s1, [event('IncidentOpened')]);
      seenInside = published.length;
    });
    expect(seenInside).toBe(0);
    expect(published).toEqual([
      [
        {
          streamId: s1.id,
          streamType: 'incident',
          types: ['CallRegistered', 'IncidentOpened'],
          version: 2,
        },
        { streamId: s2.id, streamType: 'unit', types: ['UnitCreated'], version: 1 },
      ],
    ]);
    await expect(
      uow.run(async (tx) => {
        await announcing.append(tx, { id: randomUUID(), type: 'incident' }, [event('Lost')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(published).toHaveLength(1);
  });
});

describe('live stream: a call whose announcement is lost still reaches the console', () => {
  let appA: NestFastifyApplication;
  let appB: NestFastifyApplication;
  beforeAll(async () => {
    appA = await createTestApp();
    appB = await createTestApp({ env: { SSE_FEED_POLL_MS: '100' } });
    await appB.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await appA?.close();
    await appB?.close();
  });

  it('delivers through the feed what no NOTIFY announced', async () => {
    const [yesil] = await districtIds(appA, 'AST-YESIL');
    const dispatcher = await userWithToken(appA, 'dispatcher', ['AST-YESIL']);
    // Instance A loses every announcement (as if it died right after each commit).
    await appA.get(EventNotifier).close();
    const port = (appB.getHttpServer().address() as AddressInfo).port;
    let raw = '';
    const req = http.get({
      host: '127.0.0.1',
      port,
      path: '/api/v1/dispatch/stream',
      headers: { authorization: `Bearer ${dispatcher.token}`, accept: 'text/event-stream' },
    });
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (raw += chunk));
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const created = await request(appA.getHttpServer())
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ callerPhone: '+77015550101', districtId: yesil, address: 'ул. Абая 3' });
      expect(created.status).toBe(201);
      const incidentId = created.body.incidentId as string;
      const started = Date.now();
      while (!raw.includes(incidentId) && Date.now() - started < 5000)
        await new Promise((r) => setTimeout(r, 20));
      expect(raw).toContain('event: incident.created');
      expect(raw).toContain(incidentId);
      // Once, though the feed reads every 100 ms.
      await new Promise((r) => setTimeout(r, 400));
      expect(raw.split(incidentId).length - 1).toBe(1);
    } finally {
      req.destroy();
    }
  });
});
