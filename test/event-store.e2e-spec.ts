import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { runMigrationsLocked, UnitOfWork } from '@app/persistence';
import { createTestDatabase, dropTestDatabase, FakeClock } from '@app/testing';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';

/**
 * The event store on its own database, because these tests tamper with rows on purpose and a
 * broken chain must not leak into other suites' whole-store verification.
 */
describe('event store: append, hash chain, verify, append-only', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let dbName: string;
  let ds: DataSource;
  let uow: UnitOfWork;
  const clock = new FakeClock('2026-11-22T05:00:00.000Z');
  const store = new EventStore(() => clock.now());

  beforeAll(async () => {
    const db = await createTestDatabase(adminUrl(), 'event_store_test');
    dbName = db.name;
    ds = await new DataSource({
      type: 'postgres',
      url: db.url,
      migrations,
      extra: { max: 25 },
    }).initialize();
    await runMigrationsLocked(ds, () => undefined);
    uow = new UnitOfWork(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(adminUrl(), dbName);
  });

  const stream = () => ({ id: randomUUID(), type: 'incident' });
  const event = (type: string, payload: Record<string, unknown> = {}) => ({
    type,
    payload,
    actorId: null,
    occurredAt: clock.now(),
  });

  async function appendThree() {
    const s = stream();
    await uow.run((tx) =>
      store.append(tx, s, [event('CallRegistered', { n: 1, nested: { b: 2, a: 1 } })]),
    );
    await uow.run((tx) =>
      store.append(tx, s, [event('IncidentOpened', { n: 2 }), event('UnitAssigned', { n: 3 })]),
    );
    return s;
  }

  const tampered = new Set<string>();

  /** Tampering as a superuser would: with the append-only triggers switched off for one statement. */
  async function tamper(sql: string, params: [string, ...unknown[]]) {
    tampered.add(params[0]);
    await ds.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(sql, params);
    });
  }

  it('verifies a whole store that nobody touched', async () => {
    await appendThree();
    await appendThree();
    expect(await store.verify(ds.manager)).toEqual({
      ok: true,
      streamsChecked: 2,
      eventsChecked: 6,
    });
  });

  it('appends with contiguous versions and a hash chain that verifies', async () => {
    const s = await appendThree();
    const events = await store.readStream(ds.manager, s.id);
    expect(events.map((e) => [e.streamVersion, e.type])).toEqual([
      [1, 'CallRegistered'],
      [2, 'IncidentOpened'],
      [3, 'UnitAssigned'],
    ]);
    expect(events[0].prevHash).toBe('0'.repeat(64));
    expect(events[1].prevHash).toBe(events[0].hash);
    expect(await store.verify(ds.manager, s.id)).toEqual({
      ok: true,
      streamsChecked: 1,
      eventsChecked: 3,
    });
  });

  it('refuses to append outside a transaction', async () => {
    await expect(store.append(ds.manager, stream(), [event('X')])).rejects.toThrow(
      /inside the caller/,
    );
  });

  it('keeps versions contiguous when 20 transactions append to one stream at once', async () => {
    const s = stream();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        uow.run((tx) => store.append(tx, s, [event('Note', { i })])),
      ),
    );
    const events = await store.readStream(ds.manager, s.id);
    expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await store.verify(ds.manager, s.id)).ok).toBe(true);
  });

  it('refuses an append whose expected version is stale', async () => {
    const s = await appendThree();
    await expect(
      uow.run((tx) => store.append(tx, s, [event('Late')], { expectedVersion: 2 })),
    ).rejects.toMatchObject({
      code: 'STREAM_VERSION_CONFLICT',
    });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on events at the database', async () => {
    const s = await appendThree();
    await expect(
      ds.query(`UPDATE events SET payload = '{}' WHERE stream_id = $1`, [s.id]),
    ).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM events WHERE stream_id = $1`, [s.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(ds.query(`TRUNCATE events`)).rejects.toThrow(/append-only/);
    await expect(
      ds.query(`DELETE FROM event_stream_heads WHERE stream_id = $1`, [s.id]),
    ).rejects.toThrow(/forward/);
    expect(await store.readStream(ds.manager, s.id)).toHaveLength(3);
  });

  it('detects a tampered payload at its version', async () => {
    const s = await appendThree();
    await tamper(
      `UPDATE events SET payload = '{"n": 20}' WHERE stream_id = $1 AND stream_version = 2`,
      [s.id],
    );
    expect(await store.verify(ds.manager, s.id)).toEqual({
      ok: false,
      streamsChecked: 1,
      eventsChecked: 3,
      firstBrokenAt: { streamId: s.id, version: 2, reason: 'hash_mismatch' },
    });
  });

  it('detects a changed actor or time, not only the payload', async () => {
    const s = await appendThree();
    await tamper(
      `UPDATE events SET occurred_at = occurred_at - interval '1 hour' WHERE stream_id = $1 AND stream_version = 3`,
      [s.id],
    );
    expect((await store.verify(ds.manager, s.id)).firstBrokenAt).toEqual({
      streamId: s.id,
      version: 3,
      reason: 'hash_mismatch',
    });
  });

  it('detects a deleted event in the middle of a stream', async () => {
    const s = await appendThree();
    await tamper(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [s.id]);
    expect((await store.verify(ds.manager, s.id)).firstBrokenAt).toEqual({
      streamId: s.id,
      version: 2,
      reason: 'missing_event',
    });
  });

  it('detects a deleted last event against the stream head', async () => {
    const s = await appendThree();
    await tamper(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 3`, [s.id]);
    expect((await store.verify(ds.manager, s.id)).firstBrokenAt).toEqual({
      streamId: s.id,
      version: 3,
      reason: 'head_mismatch',
    });
  });

  it('detects reordered events', async () => {
    const s = await appendThree();
    // Swap versions 2 and 3 (through a free version number, as the unique constraint requires).
    await tamper(
      `UPDATE events SET stream_version = CASE stream_version WHEN 2 THEN 1000 WHEN 3 THEN 2 END
       WHERE stream_id = $1 AND stream_version IN (2, 3)`,
      [s.id],
    );
    await tamper(
      `UPDATE events SET stream_version = 3 WHERE stream_id = $1 AND stream_version = 1000`,
      [s.id],
    );
    expect((await store.verify(ds.manager, s.id)).firstBrokenAt).toEqual({
      streamId: s.id,
      version: 2,
      reason: 'prev_hash_mismatch',
    });
  });

  it('verifies the whole store and names the first broken stream', async () => {
    const result = await store.verify(ds.manager);
    expect(result.ok).toBe(false);
    expect(tampered.size).toBe(5);
    expect(tampered.has(result.firstBrokenAt?.streamId as string)).toBe(true);
  });

  it('rolls back appended events with the transaction that appended them', async () => {
    const s = stream();
    await expect(
      uow.run(async (tx) => {
        await store.append(tx, s, [event('CallRegistered')]);
        throw new Error('handler failed after appending');
      }),
    ).rejects.toThrow('handler failed after appending');
    expect(await store.readStream(ds.manager, s.id)).toEqual([]);
    expect(await ds.query(`SELECT 1 FROM event_stream_heads WHERE stream_id = $1`, [s.id])).toEqual(
      [],
    );
  });
});
