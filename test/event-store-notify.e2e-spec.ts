import { randomUUID } from 'node:crypto';
import { EVENTS_CHANNEL, EventStore, type EventAppendedNotice, PgListener } from '@app/event-store';
import { runMigrationsLocked, UnitOfWork } from '@app/persistence';
import { createTestDatabase, dropTestDatabase, FakeClock } from '@app/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

/**
 * Issue 8: appends to several streams cost two statements, and a transaction sends at most one
 * NOTIFY (each NOTIFY takes a database-wide lock at commit), which listeners still hear as one
 * notice per stream.
 */
describe('event store: multi-stream appends and one NOTIFY per transaction', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let dbName: string;
  let dbUrl: string;
  let ds: DataSource;
  let uow: UnitOfWork;
  let raw: Client;
  let listener: PgListener;
  const payloads: string[] = [];
  const notices: EventAppendedNotice[] = [];
  const clock = new FakeClock('2026-11-22T05:00:00.000Z');
  const store = new EventStore(() => clock.now());

  beforeAll(async () => {
    const db = await createTestDatabase(adminUrl(), 'event_notify_test');
    dbName = db.name;
    dbUrl = db.url;
    ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      migrations,
      extra: { max: 25 },
    }).initialize();
    await runMigrationsLocked(ds, () => undefined);
    uow = new UnitOfWork(ds);
    raw = new Client({ connectionString: dbUrl });
    await raw.connect();
    raw.on('notification', (m) => {
      if (m.channel === EVENTS_CHANNEL) payloads.push(m.payload ?? '');
    });
    await raw.query(`LISTEN ${EVENTS_CHANNEL}`);
    listener = new PgListener({ connectionString: dbUrl, pingIntervalMs: 0 });
    listener.onNotice((n) => notices.push(n));
    await listener.start();
  });
  afterAll(async () => {
    await listener.close();
    await raw.end();
    await ds.destroy();
    await dropTestDatabase(adminUrl(), dbName);
  });

  const stream = (type = 'incident') => ({ id: randomUUID(), type });
  const event = (type: string, payload: Record<string, unknown> = {}) => ({
    type,
    payload,
    actorId: null,
    occurredAt: clock.now(),
  });
  const settle = () => new Promise((r) => setTimeout(r, 150));
  const reset = () => {
    payloads.length = 0;
    notices.length = 0;
  };

  it('sends one notification for a transaction that moved three streams', async () => {
    const [s1, s2, s3] = [stream(), stream('unit'), stream()];
    await uow.run((tx) => store.append(tx, s2, [event('UnitCreated')]));
    await uow.run((tx) => store.append(tx, s3, [event('IncidentOpened')]));
    await settle();
    reset();
    await uow.run(async (tx) => {
      await store.append(tx, s1, [event('CallRegistered')], { expectedVersion: 0 });
      await store.appendMany(tx, [
        { stream: s3, events: [event('UnitAssigned')] },
        { stream: s2, events: [event('UnitStatusChanged')] },
      ]);
      await store.append(tx, s1, [event('IncidentOpened')]);
    });
    await settle();
    expect(payloads).toHaveLength(1);
    expect(JSON.parse(payloads[0])).toEqual(
      expect.arrayContaining([
        {
          streamId: s1.id,
          streamType: 'incident',
          types: ['CallRegistered', 'IncidentOpened'],
          version: 2,
        },
        { streamId: s3.id, streamType: 'incident', types: ['UnitAssigned'], version: 2 },
        { streamId: s2.id, streamType: 'unit', types: ['UnitStatusChanged'], version: 2 },
      ]),
    );
    // Listeners (the SSE fan-out) still hear one notice per stream.
    expect(notices.map((n) => n.streamId).sort()).toEqual([s1.id, s2.id, s3.id].sort());
    for (const s of [s1, s2, s3]) expect((await store.verify(ds.manager, s.id)).ok).toBe(true);
  });

  it('keeps the single-stream payload as it was, and says nothing for a rollback', async () => {
    reset();
    const s = stream();
    await uow.run((tx) => store.append(tx, s, [event('A'), event('B')]));
    await expect(
      uow.run(async (tx) => {
        await store.append(tx, stream(), [event('Lost')]);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await settle();
    expect(payloads.map((p) => JSON.parse(p))).toEqual([
      { streamId: s.id, streamType: 'incident', types: ['A', 'B'], version: 2 },
    ]);
  });

  it('keeps both chains contiguous when 20 two-stream appends race in both lock orders', async () => {
    const incident = stream();
    const unit = stream('unit');
    await uow.run((tx) =>
      store.appendMany(tx, [
        { stream: incident, events: [event('IncidentOpened')] },
        { stream: unit, events: [event('UnitCreated')] },
      ]),
    );
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        uow.run((tx) => {
          const pair = [
            { stream: incident, events: [event('UnitAssigned', { i })] },
            { stream: unit, events: [event('UnitStatusChanged', { i })] },
          ];
          return store.appendMany(tx, i % 2 ? pair : pair.reverse());
        }),
      ),
    );
    for (const s of [incident, unit]) {
      const events = await store.readStream(ds.manager, s.id);
      expect(events.map((e) => e.streamVersion)).toEqual(
        Array.from({ length: 21 }, (_, i) => i + 1),
      );
      expect((await store.verify(ds.manager, s.id)).ok).toBe(true);
    }
  });

  it('refuses a new-stream append when the stream exists, and writes nothing', async () => {
    const s = stream();
    await uow.run((tx) => store.append(tx, s, [event('First')]));
    await expect(
      uow.run((tx) => store.append(tx, s, [event('Again')], { expectedVersion: 0 })),
    ).rejects.toMatchObject({ code: 'STREAM_VERSION_CONFLICT' });
    expect(await store.readStream(ds.manager, s.id)).toHaveLength(1);
  });
});
