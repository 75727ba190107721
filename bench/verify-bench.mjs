// Verification of the whole event store, measured (issue 11): how many events and streams per
// second GET /audit/verify checks, with and without a signed checkpoint, on a store of
// BENCH_STREAMS streams of BENCH_EVENTS events each; and what a checkpoint of every head costs.
// Runs the built app's IntegrityService in this process against a fresh database on
// BENCH_DATABASE_URL's server. Not part of `npm test`.
//
//   npm run build && npm run bench:verify
//
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
//      BENCH_STREAMS (1000000), BENCH_EVENTS (3 per stream), BENCH_KEEP_DB=1 to keep the database,
//      BENCH_DB=<name> to reuse a database a previous run kept (skips seeding).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { NestFactory } = require('@nestjs/core');
const dist = join(here, '..', 'dist');
const { AppModule } = require(join(dist, 'src/app.module.js'));
const { validateEnvironment } = require(join(dist, 'src/config/app-config.js'));
const { chainHash, GENESIS_HASH } = require(join(dist, 'libs/event-store/src/hash-chain.js'));
const { IntegrityService } = require(
  join(dist, 'src/modules/audit/integrity/integrity.service.js'),
);

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1_000_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 3);
const out = (line) => process.stdout.write(`${line}\n`);
const rss = () => `${Math.round(process.memoryUsage().rss / 1024 / 1024)} MiB`;

const name = process.env.BENCH_DB ?? `bench_verify_${Date.now()}`;
const url = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
})();

async function admin(text) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/** Streams shaped like incidents: EVENTS events each, hashed exactly as EventStore.append does. */
async function seed(db) {
  const batch = 5000;
  const recordedAt = new Date('2026-11-22T05:00:00.000Z');
  const started = performance.now();
  for (let done = 0; done < STREAMS; done += batch) {
    const n = Math.min(batch, STREAMS - done);
    const ev = { id: [], sid: [], ver: [], type: [], payload: [], occ: [], prev: [], hash: [] };
    const heads = { sid: [], ver: [], hash: [] };
    for (let s = 0; s < n; s++) {
      const streamId = randomUUID();
      let prev = GENESIS_HASH;
      for (let v = 1; v <= EVENTS; v++) {
        const payload = { n: v, priority: 1 + (v % 4), reasons: ['repeat_call'], districtId: streamId };
        const occurredAt = new Date(recordedAt.getTime() - v * 1000);
        const hash = chainHash(prev, {
          streamId,
          streamType: 'incident',
          streamVersion: v,
          type: `Step${v}`,
          payload,
          actorId: null,
          occurredAt,
          recordedAt,
        });
        ev.id.push(randomUUID());
        ev.sid.push(streamId);
        ev.ver.push(v);
        ev.type.push(`Step${v}`);
        ev.payload.push(JSON.stringify(payload));
        ev.occ.push(occurredAt.toISOString());
        ev.prev.push(prev);
        ev.hash.push(hash);
        prev = hash;
      }
      heads.sid.push(streamId);
      heads.ver.push(EVENTS);
      heads.hash.push(prev);
    }
    await db.query(
      `INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash)
       SELECT id, sid, 'incident', ver, type, payload::jsonb, NULL, occ, $9, prev, hash
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::text[])
         AS t(id, sid, ver, type, payload, occ, prev, hash)`,
      [ev.id, ev.sid, ev.ver, ev.type, ev.payload, ev.occ, ev.prev, ev.hash, recordedAt],
    );
    await db.query(
      `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at)
       SELECT sid, 'incident', ver, hash, $4 FROM unnest($1::text[], $2::int[], $3::text[]) AS t(sid, ver, hash)`,
      [heads.sid, heads.ver, heads.hash, recordedAt],
    );
    if ((done / batch) % 20 === 0)
      process.stderr.write(
        `  seeded ${done + n} streams (${Math.round((performance.now() - started) / 1000)} s)\n`,
      );
  }
  await db.query('VACUUM ANALYZE events');
  await db.query('VACUUM ANALYZE event_stream_heads');
  return (performance.now() - started) / 1000;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-checkpoints-'));
  const reuse = Boolean(process.env.BENCH_DB);
  if (!reuse) await admin(`CREATE DATABASE "${name}"`);
  const env = validateEnvironment({
    DATABASE_URL: url,
    JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
    CHECKPOINT_DIR: dir,
    DATA_DIR: dir,
  });
  const runtime = { env, databaseUrl: url, embedded: false, jwtSecret: env.JWT_SECRET };
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(runtime), {
    logger: false,
  });
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const integrity = context.get(IntegrityService);
    if (!reuse) {
      out(`seeding ${STREAMS} streams × ${EVENTS} events into ${name}…`);
      const seconds = await seed(db);
      out(`seeded in ${seconds.toFixed(0)} s`);
    }
    const [{ streams, events, size }] = (
      await db.query(
        `SELECT (SELECT count(*) FROM event_stream_heads)::int AS streams,
                (SELECT count(*) FROM events)::int AS events,
                pg_size_pretty(pg_total_relation_size('events')) AS size`,
      )
    ).rows;
    out(`store: ${streams} streams, ${events} events, events table ${size}`);

    // The machine is shared: wall-clock rates swing with other load, CPU seconds far less.
    const runVerify = async (label) => {
      const t = performance.now();
      const cpu = process.cpuUsage();
      const r = await integrity.verify();
      const s = (performance.now() - t) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuS = (used.user + used.system) / 1e6;
      out(
        `${label}: ok=${r.ok} ${r.streamsChecked} streams, ${r.eventsChecked} events in ${s.toFixed(1)} s ` +
          `→ ${Math.round(r.eventsChecked / s)} events/s, ${Math.round(r.streamsChecked / s)} streams/s; ` +
          `Node CPU ${cpuS.toFixed(1)} s → ${Math.round(r.eventsChecked / cpuS)} events per CPU-second (rss ${rss()})`,
      );
      if (!r.ok) out(`  firstBrokenAt ${JSON.stringify(r.firstBrokenAt)}`);
      return r;
    };

    await runVerify('verify all, no checkpoint');

    let t = performance.now();
    const sequence = await integrity.takeCheckpoint({ force: true });
    const cpSeconds = (performance.now() - t) / 1000;
    const file = readdirSync(dir).find((f) => f.startsWith('checkpoint-'));
    out(
      `checkpoint ${sequence} of ${streams} heads in ${cpSeconds.toFixed(1)} s, ` +
        `file ${(statSync(join(dir, file)).size / 1024 / 1024).toFixed(1)} MiB (rss ${rss()})`,
    );

    await runVerify('verify all, against the checkpoint');

    t = performance.now();
    const [{ stream_id: one }] = (await db.query(`SELECT stream_id FROM event_stream_heads LIMIT 1`)).rows;
    const single = await integrity.verify(one);
    out(`verify one stream: ok=${single.ok} in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    await db.end();
    await context.close();
    rmSync(dir, { recursive: true, force: true });
    if (!process.env.BENCH_KEEP_DB && !reuse)
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
