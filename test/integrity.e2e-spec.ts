import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
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
import { MetricsService } from '../src/modules/operations/metrics.service';
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
      checkpoint: { sequence: number; problem?: string; problemSequence?: number } | null;
    };
  };

  /**
   * A fresh stream of three events. Each case restores what it broke (restoreStream) before the
   * next: the checkpoint writer refuses to sign over a store that no longer holds the last
   * checkpoint, so one unrepaired case would stop every later checkpoint.
   */
  async function streamOfThree(): Promise<string> {
    const id = randomUUID();
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

  /** Keeps a copy of a stream's rows (events and head) for restoreStream. */
  async function saveStream(id: string) {
    await owner.query(`CREATE TABLE IF NOT EXISTS saved_events (LIKE events)`);
    await owner.query(`CREATE TABLE IF NOT EXISTS saved_heads (LIKE event_stream_heads)`);
    await owner.query(`TRUNCATE saved_events, saved_heads`);
    await owner.query(`INSERT INTO saved_events SELECT * FROM events WHERE stream_id = $1`, [id]);
    await owner.query(
      `INSERT INTO saved_heads SELECT * FROM event_stream_heads WHERE stream_id = $1`,
      [id],
    );
  }

  /** Puts the saved rows back exactly, as the owner with the triggers off. */
  async function restoreStream(id: string) {
    await asOwner(`DELETE FROM events WHERE stream_id = $1`, [id]);
    await asOwner(`DELETE FROM event_stream_heads WHERE stream_id = $1`, [id]);
    await asOwner(`INSERT INTO events OVERRIDING SYSTEM VALUE SELECT * FROM saved_events`);
    await asOwner(`INSERT INTO event_stream_heads SELECT * FROM saved_heads`);
    expect((await verify(id)).ok).toBe(true);
  }

  const checkpointFailures = async () => {
    const text = await app.get(MetricsService).registry.metrics();
    return Number(/^job_failures_total\{job="checkpoint"\} (\d+)$/m.exec(text)?.[1] ?? -1);
  };

  /**
   * After a rewrite the writer signs nothing (and counts the refusal), verify keeps naming the
   * stream, and once the stream is put back a checkpoint is written again.
   */
  async function expectCheckpointRefused(id: string, reason: string) {
    const files = readdirSync(dir).sort();
    const failures = await checkpointFailures();
    clock.advance(61_000);
    expect(await app.get(IntegrityService).takeCheckpoint()).toBeNull();
    expect(await second.get(IntegrityService).takeCheckpoint()).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(await checkpointFailures()).toBe(failures + 1);
    // Still broken after the refused checkpoint (before the fix it read ok:true from here on).
    const all = await verify();
    expect(all).toMatchObject({ ok: false, firstBrokenAt: { streamId: id, reason } });
    expect((await verify(id)).firstBrokenAt).toMatchObject({ streamId: id, reason });
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
    await saveStream(id);
    await asOwner(
      `UPDATE events SET payload = '{"n": 2, "note": "changed"}' WHERE stream_id = $1 AND stream_version = 2`,
      [id],
    );
    const expected = { streamId: id, version: 2, reason: 'hash_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect(await verify()).toMatchObject({ ok: false, firstBrokenAt: expected });
    await restoreStream(id);
  });

  it('finds a deleted middle event', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
    await asOwner(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [id]);
    const expected = { streamId: id, version: 2, reason: 'missing_event' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
    await restoreStream(id);
  });

  it('finds a deleted tail', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
    await asOwner(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 3`, [id]);
    const expected = { streamId: id, version: 3, reason: 'head_mismatch' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
    await restoreStream(id);
  });

  it('finds two events swapped', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
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
    await restoreStream(id);
  });

  it('finds a tail cut off together with its head, and signs no checkpoint over it', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
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
    await expectCheckpointRefused(id, 'shorter_than_checkpoint');
    await restoreStream(id);
    // Put back, the store checkpoints again (a new stream, so that a head moved).
    await streamOfThree();
    await checkpoint();
  });

  it('finds a stream rewritten with fresh hashes and head, and signs no checkpoint over it', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
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
    await expectCheckpointRefused(id, 'checkpoint_hash_mismatch');
    await restoreStream(id);
    // Put back, the store checkpoints again (a new stream, so that a head moved).
    await streamOfThree();
    await checkpoint();
  });

  it('finds a whole stream deleted with its head, and signs no checkpoint over it', async () => {
    const id = await streamOfThree();
    await checkpoint();
    await saveStream(id);
    await asOwner(`DELETE FROM events WHERE stream_id = $1`, [id]);
    await asOwner(`DELETE FROM event_stream_heads WHERE stream_id = $1`, [id]);
    const expected = { streamId: id, version: 1, reason: 'missing_stream' };
    expect((await verify(id)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
    await expectCheckpointRefused(id, 'missing_stream');
    await restoreStream(id);
    // Put back, the store checkpoints again (a new stream, so that a head moved).
    await streamOfThree();
    await checkpoint();
  });

  /** Events and head with correct hashes, recorded at `recordedAt`, written as the owner. */
  async function forgeStream(recordedAt: Date): Promise<string> {
    const id = randomUUID();
    let prev = GENESIS_HASH;
    for (const version of [1, 2]) {
      const event = {
        streamId: id,
        streamType: 'incident',
        streamVersion: version,
        type: 'Noted',
        payload: { forged: version },
        actorId: null,
        occurredAt: recordedAt,
        recordedAt,
      };
      const hash = chainHash(prev, event);
      await asOwner(
        `INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash)
         VALUES ($1, $2, 'incident', $3, 'Noted', $4, NULL, $5, $5, $6, $7)`,
        [randomUUID(), id, version, JSON.stringify(event.payload), recordedAt, prev, hash],
      );
      prev = hash;
    }
    await asOwner(
      `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at)
       VALUES ($1, 'incident', 2, $2, $3)`,
      [id, prev, recordedAt],
    );
    return id;
  }

  it('finds a stream forged into the past that the checkpoint does not name', async () => {
    await streamOfThree();
    await checkpoint();
    const createdAt = clock.now().getTime();
    // Within the in-flight margin: a transaction that committed just after the snapshot.
    const late = await forgeStream(new Date(createdAt - 60_000));
    expect(await verify(late)).toMatchObject({ ok: true, streamsChecked: 1 });
    expect((await verify()).ok).toBe(true);
    // An hour before the checkpoint, and not in it.
    const forged = await forgeStream(new Date(createdAt - 3_600_000));
    const expected = { streamId: forged, version: 1, reason: 'not_in_checkpoint' };
    expect((await verify(forged)).firstBrokenAt).toEqual(expected);
    expect((await verify()).firstBrokenAt).toEqual(expected);
    await expectCheckpointRefused(forged, 'not_in_checkpoint');
    await asOwner(`DELETE FROM events WHERE stream_id = $1`, [forged]);
    await asOwner(`DELETE FROM event_stream_heads WHERE stream_id = $1`, [forged]);
    expect((await verify()).ok).toBe(true);
    // The next checkpoint takes in the late (legitimate-looking) stream.
    const sequence = await checkpoint();
    const signed = JSON.parse(readFileSync(join(dir, checkpointName(sequence)), 'utf8')) as {
      heads: Array<[string, number, string]>;
    };
    expect(signed.heads.map((h) => h[0])).toContain(late);
    expect(signed.heads.map((h) => h[0])).not.toContain(forged);
  });

  it('notices an edited newest checkpoint file at once', async () => {
    await streamOfThree();
    const sequence = await checkpoint();
    const path = join(dir, checkpointName(sequence));
    expect((await verify()).ok).toBe(true);
    const original = readFileSync(path, 'utf8');
    const file = JSON.parse(original) as { heads: Array<[string, number, string]> };
    // Same length, another hash: the size does not change.
    const [, , hash] = file.heads[0];
    file.heads[0][2] = (hash[0] === 'a' ? 'b' : 'a') + hash.slice(1);
    chmodSync(path, 0o644);
    writeFileSync(path, JSON.stringify(file));
    const result = await verify();
    expect(result).toMatchObject({
      ok: false,
      checkpoint: { problem: 'heads_digest_mismatch', problemSequence: sequence },
    });
    const latest = await http()
      .get('/api/v1/audit/checkpoints/latest')
      .set('authorization', `Bearer ${token}`);
    expect(latest.status).toBe(409);
    expect(latest.body.code).toBe('CHECKPOINT_INVALID');
    writeFileSync(path, original);
    expect((await verify()).ok).toBe(true);
  });

  it('finds checkpoint files deleted, and starts no new chain', async () => {
    await streamOfThree();
    await checkpoint();
    const names = readdirSync(dir).sort();
    expect(names.length).toBeGreaterThanOrEqual(3);
    const aside = mkdtempSync(join(tmpdir(), 'qorgau-aside-'));
    for (const name of names) renameSync(join(dir, name), join(aside, name));
    try {
      const result = await verify();
      expect(result).toMatchObject({
        ok: false,
        checkpoint: { problem: 'checkpoint_missing', sequence: names.length },
      });
      const failures = await checkpointFailures();
      clock.advance(61_000);
      expect(await app.get(IntegrityService).takeCheckpoint()).toBeNull();
      expect(readdirSync(dir)).toEqual([]);
      expect(await checkpointFailures()).toBe(failures + 1);
      // A gap in the middle.
      for (const name of names) renameSync(join(aside, name), join(dir, name));
      const middle = readFileSync(join(dir, names[1]));
      unlinkSync(join(dir, names[1]));
      expect(await verify()).toMatchObject({
        ok: false,
        checkpoint: { problem: 'checkpoint_missing', problemSequence: 2 },
      });
      clock.advance(61_000);
      expect(await app.get(IntegrityService).takeCheckpoint()).toBeNull();
      writeFileSync(join(dir, names[1]), middle);
      expect((await verify()).ok).toBe(true);
    } finally {
      rmSync(aside, { recursive: true, force: true });
    }
  });

  it('answers 400 for a stream id that is no UUID and 404 for an unknown one', async () => {
    const bad = await http()
      .get('/api/v1/audit/verify')
      .query({ streamId: 'not-a-stream' })
      .set('authorization', `Bearer ${token}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details.map((d: { field: string }) => d.field)).toContain('streamId');
    const unknown = await http()
      .get('/api/v1/audit/verify')
      .query({ streamId: randomUUID() })
      .set('authorization', `Bearer ${token}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('NOT_FOUND');
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
