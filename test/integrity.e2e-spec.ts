import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { EventStore, chainHash, GENESIS_HASH } from '@app/event-store';
import { UnitOfWork } from '@app/persistence';
import { createTestDatabase, dropTestDatabase, FakeClock } from '@app/testing';
import { Client } from 'pg';
import request from 'supertest';
import { buildCheckpoint, type CheckpointHeader } from '../src/modules/audit/integrity/checkpoint';
import { checkpointName } from '../src/modules/audit/integrity/checkpoint-store';
import { IntegrityService } from '../src/modules/audit/integrity/integrity.service';
import { createTestApp, userWithToken } from './support/test-app';

/**
 * Tampering done as the database's owner, with the append-only triggers switched off, is found
 * by GET /audit/verify once a signed checkpoint was taken. On its own database and checkpoint
 * folder: these tests break the store on purpose.
 */
describe('tamper evidence: verify, checkpoints', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  const clock = new FakeClock('2026-11-22T05:00:00.000Z');
  let dbName: string;
  let dbUrl: string;
  let dir: string;
  let app: NestFastifyApplication;
  let second: NestFastifyApplication;
  let owner: Client;
  let token: string;

  beforeAll(async () => {
    const db = await createTestDatabase(adminUrl(), 'integrity_test');
    dbName = db.name;
    dbUrl = db.url;
    dir = mkdtempSync(join(tmpdir(), 'qorgau-checkpoints-'));
    const env = { CHECKPOINT_DIR: dir, CHECKPOINT_INTERVAL_SECONDS: '60' };
    app = await createTestApp({ databaseUrl: dbUrl, clock, env });
    second = await createTestApp({ databaseUrl: dbUrl, clock, env });
    owner = new Client({ connectionString: dbUrl });
    await owner.connect();
    token = (await userWithToken(app, 'prosecutor')).token;
  });
  afterAll(async () => {
    await owner?.end();
    await app?.close();
    await second?.close();
    await dropTestDatabase(adminUrl(), dbName);
    rmSync(dir, { recursive: true, force: true });
  });

  const http = () => request(app.getHttpServer());
  const verify = async (streamId?: string) => {
    const res = await http()
      .get('/api/v1/audit/verify')
      .query(streamId ? { streamId } : {})
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    return res.body as {
      ok: boolean;
      streamsChecked: number;
      eventsChecked: number;
      firstBrokenAt?: { streamId: string; version: number; reason: string };
      checkpoint: { sequence: number; problem?: string } | null;
    };
  };

  /**
   * Each case's stream sorts before every earlier one, so the whole-store verification names the
   * newest damage first, although the earlier cases stay broken.
   */
  let rank = 100;
  async function streamOfThree(): Promise<string> {
    rank -= 1;
    const id = `tamper-${String(rank).padStart(3, '0')}`;
    const store = app.get(EventStore);
    const uow = app.get(UnitOfWork);
    for (const n of [1, 2, 3]) {
      await uow.run((tx) =>
        store.append(tx, { id, type: 'incident' }, [
          {
            type: 'Noted',
            payload: { n, note: { b: 2, a: 1 } },
            actorId: null,
            occurredAt: clock.now(),
          },
        ]),
      );
    }
    return id;
  }

  /** As the owner would: the append-only triggers off for this transaction only. */
  async function asOwner(sql: string, params: unknown[] = []) {
    await owner.query('BEGIN');
    try {
      await owner.query('SET LOCAL session_replication_role = replica');
      await owner.query(sql, params);
      await owner.query('COMMIT');
    } catch (error) {
      await owner.query('ROLLBACK');
      throw error;
    }
  }

  async function checkpoint(): Promise<number> {
    clock.advance(61_000);
    const sequence = await app.get(IntegrityService).takeCheckpoint();
    expect(sequence).not.toBeNull();
    return sequence as number;
  }

  it('verifies a clean store, and against its first checkpoint', async () => {
    const before = await verify();
    expect(before).toMatchObject({ ok: true, checkpoint: null });
    const a = await streamOfThree();
    const b = await streamOfThree();
    expect(await checkpoint()).toBe(1);
    const after = await verify();
    expect(after).toMatchObject({ ok: true, checkpoint: { sequence: 1 } });
    expect(after.firstBrokenAt).toBeUndefined();
    // Two streams of three events, plus the prosecutor's own user stream.
    expect(after.streamsChecked).toBe(before.streamsChecked + 2);
    expect(after.eventsChecked).toBe(before.eventsChecked + 6);
    expect(await verify(a)).toMatchObject({ ok: true, streamsChecked: 1, eventsChecked: 3 });
    expect(await verify(b)).toMatchObject({ ok: true, streamsChecked: 1, eventsChecked: 3 });
  });

  it('writes one checkpoint per interval across instances, each chained to the last', async () => {
    await streamOfThree();
    clock.advance(61_000);
    const results = await Promise.all([
      app.get(IntegrityService).takeCheckpoint(),
      second.get(IntegrityService).takeCheckpoint(),
      app.get(IntegrityService).takeCheckpoint(),
    ]);
    expect(results.filter((r) => r !== null)).toEqual([2]);
    // Within the interval nobody writes another.
    await streamOfThree();
    clock.advance(30_000);
    expect(await second.get(IntegrityService).takeCheckpoint()).toBeNull();
    expect(readdirSync(dir).sort()).toEqual([checkpointName(1), checkpointName(2)]);
    const one = JSON.parse(readFileSync(join(dir, checkpointName(1)), 'utf8')) as {
      signed: string;
    };
    const two = JSON.parse(readFileSync(join(dir, checkpointName(2)), 'utf8')) as {
      signed: string;
    };
    const { createHash } = await import('node:crypto');
    expect((JSON.parse(two.signed) as CheckpointHeader).previousCheckpointHash).toBe(
      createHash('sha256').update(one.signed).digest('hex'),
    );
    await checkpoint();
  });

  it('finds an edited payload', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await asOwner(
      `UPDATE events SET payload = '{"n": 2, "note": "changed"}' WHERE stream_id = $1 AND stream_version = 2`,
      [id],
    );
    const expected = { streamId: id, version: 2, reason: 'hash_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenAt: expected });
  });

  it('finds a deleted middle event', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await asOwner(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [id]);
    const expected = { streamId: id, version: 2, reason: 'missing_event' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
  });

  it('finds a deleted tail', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await asOwner(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 3`, [id]);
    const expected = { streamId: id, version: 3, reason: 'head_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
  });

  it('finds two events swapped', async () => {
    const id = await streamOfThree();
    await checkpoint();
    // unique (stream_id, stream_version) is checked row by row: swap through spare versions.
    await asOwner(
      `UPDATE events SET stream_version = stream_version + 1000 WHERE stream_id = $1 AND stream_version IN (1, 2)`,
      [id],
    );
    await asOwner(
      `UPDATE events SET stream_version = CASE stream_version WHEN 1001 THEN 2 ELSE 1 END
       WHERE stream_id = $1 AND stream_version IN (1001, 1002)`,
      [id],
    );
    const expected = { streamId: id, version: 1, reason: 'prev_hash_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
  });

  it('finds a tail cut off together with its head (only the checkpoint knows)', async () => {
    const id = await streamOfThree();
    await checkpoint();
    const [second] = (
      await owner.query(`SELECT hash FROM events WHERE stream_id = $1 AND stream_version = 2`, [id])
    ).rows as Array<{ hash: string }>;
    await asOwner(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 3`, [id]);
    await asOwner(`UPDATE event_stream_heads SET version = 2, hash = $2 WHERE stream_id = $1`, [
      id,
      second.hash,
    ]);
    const expected = { streamId: id, version: 3, reason: 'shorter_than_checkpoint' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
  });

  it('finds a stream rewritten with fresh hashes and head (only the checkpoint knows)', async () => {
    const id = await streamOfThree();
    await checkpoint();
    const rows = (
      await owner.query(
        `SELECT stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at
         FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [id],
      )
    ).rows as Array<Record<string, unknown>>;
    let prev = GENESIS_HASH;
    for (const r of rows) {
      const payload =
        r.stream_version === 1 ? { ...(r.payload as object), n: 'rewritten' } : r.payload;
      const hash = chainHash(prev, {
        streamId: r.stream_id as string,
        streamType: r.stream_type as string,
        streamVersion: r.stream_version as number,
        type: r.type as string,
        payload,
        actorId: r.actor_id as string | null,
        occurredAt: r.occurred_at as Date,
        recordedAt: r.recorded_at as Date,
      });
      await asOwner(
        `UPDATE events SET payload = $3, prev_hash = $4, hash = $5 WHERE stream_id = $1 AND stream_version = $2`,
        [id, r.stream_version, JSON.stringify(payload), prev, hash],
      );
      prev = hash;
    }
    await asOwner(`UPDATE event_stream_heads SET hash = $2 WHERE stream_id = $1`, [id, prev]);
    const expected = { streamId: id, version: 3, reason: 'checkpoint_hash_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
  });

  it('finds a truncated events table, and the heads truncated with it', async () => {
    const [first] = (
      await owner.query(`SELECT stream_id FROM event_stream_heads ORDER BY stream_id LIMIT 1`)
    ).rows as Array<{ stream_id: string }>;
    await asOwner(`TRUNCATE events`);
    expect((await verify()).firstBrokenAt).toEqual({
      streamId: first.stream_id,
      version: 1,
      reason: 'head_mismatch',
    });
    await asOwner(`TRUNCATE event_stream_heads`);
    const all = await verify();
    expect(all.ok).toBe(false);
    expect(all.firstBrokenAt).toMatchObject({ version: 1, reason: 'missing_stream' });
    expect(all.eventsChecked).toBe(0);
  });

  it('refuses a checkpoint signed with another key', async () => {
    const latest = readdirSync(dir).sort().pop() as string;
    const sequence = Number(/(\d+)/.exec(latest)?.[1]);
    const forged = buildCheckpoint({
      sequence: sequence + 1,
      createdAt: clock.now(),
      previous: JSON.parse(readFileSync(join(dir, latest), 'utf8')),
      heads: [],
      privateKey: generateKeyPairSync('ed25519').privateKey,
    });
    writeFileSync(join(dir, checkpointName(sequence + 1)), JSON.stringify(forged));
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.checkpoint).toMatchObject({
      sequence: sequence + 1,
      problem: 'signature_invalid',
    });
    const res = await http()
      .get('/api/v1/audit/checkpoints/latest')
      .set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CHECKPOINT_INVALID');
  });
});
