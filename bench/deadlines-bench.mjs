// Deadline firing, measured (issue 10): how many due deadlines workers fire per second when a
// backlog is due at once, and the lag between due time and alert (p50, p99) when 1,000 fall due
// every second. Runs the built app's DeadlineRunner in this process against a fresh database on
// BENCH_DATABASE_URL's server. Not part of `npm test`.
//
//   npm run build && node bench/deadlines-bench.mjs
//
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
//      BENCH_WORKERS (2: runners, each its own application context and pool),
//      BENCH_RATE (1000 due per second), BENCH_SECONDS (10), BENCH_BACKLOG (20000),
//      BENCH_POLL_MS (250, the production default), BENCH_KEEP_DB=1 to keep the database.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { NestFactory } = require('@nestjs/core');
const dist = join(here, '..', 'dist');
const { AppModule } = require(join(dist, 'src/app.module.js'));
const { validateEnvironment } = require(join(dist, 'src/config/app-config.js'));
const { DeadlineRunner } = require(
  join(dist, 'src/modules/deadlines/application/deadline-runner.js'),
);

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORKERS = Number(process.env.BENCH_WORKERS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 20000);
const POLL_MS = Number(process.env.BENCH_POLL_MS ?? 250);
const out = (line) => process.stdout.write(`${line}\n`);

const name = `bench_deadlines_${Date.now()}`;
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

/**
 * `count` open alerts, each with an escalation deadline (alert_unacknowledged) due from `startAt`
 * at `rate` per second: the firing re-reads the alert, writes the escalation alert and its event.
 */
async function seed(db, count, startAt, rate) {
  await db.query(
    `WITH rs AS (SELECT id FROM rule_sets WHERE kind = 'deadlines' ORDER BY valid_from DESC LIMIT 1),
     parents AS (
       INSERT INTO deadlines (id, kind, subject_type, subject_id, due_at, rule_set_id, rule_key, state, created_at)
       SELECT gen_random_uuid(), 'order_not_served', 'protective_order', gen_random_uuid(), now(), rs.id,
              'alert.orderNotServedHours', 'fired', now()
       FROM generate_series(1, $1), rs
       RETURNING id, subject_id),
     alerts AS (
       INSERT INTO alerts (id, deadline_id, kind, subject_type, subject_id, audience, due_at, fired_at)
       SELECT gen_random_uuid(), id, 'order_not_served', 'protective_order', subject_id,
              ARRAY['inspector'], now(), now() FROM parents
       RETURNING id)
     INSERT INTO deadlines (id, kind, subject_type, subject_id, due_at, rule_set_id, rule_key, created_at)
     SELECT gen_random_uuid(), 'alert_unacknowledged', 'alert', a.id,
            $2::timestamptz + ((row_number() OVER ()) - 1) * make_interval(secs => 1.0 / $3),
            (SELECT id FROM rs), 'alert.unacknowledgedEscalationSeconds', now()
     FROM alerts a`,
    [count, startAt, rate],
  );
}

async function main() {
  await admin(`CREATE DATABASE "${name}"`);
  const env = validateEnvironment({
    DATABASE_URL: url,
    JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '5',
  });
  const runtime = { env, databaseUrl: url, embedded: false, jwtSecret: env.JWT_SECRET };
  const contexts = [];
  for (let i = 0; i < WORKERS; i++)
    contexts.push(
      await NestFactory.createApplicationContext(AppModule.forRoot(runtime), { logger: false }),
    );
  const runners = contexts.map((c) => c.get(DeadlineRunner));
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    out(`deadlines bench: ${WORKERS} worker(s), poll ${POLL_MS} ms, database ${name}`);

    // 1. Throughput: a backlog all due at once, drained by every worker looping on full batches.
    await seed(db, BACKLOG, new Date(Date.now() - 1000), 1e9);
    const t0 = performance.now();
    let fired = 0;
    await Promise.all(
      runners.map(async (r) => {
        for (;;) {
          const res = await r.fireDue(200);
          fired += res.fired;
          if (res.claimed < 200) return;
        }
      }),
    );
    const drainS = (performance.now() - t0) / 1000;
    out(
      `backlog: ${fired} due deadlines fired in ${drainS.toFixed(2)} s = ${Math.round(fired / drainS)} per second`,
    );
    const [{ dup }] = (
      await db.query(`SELECT count(*) - count(DISTINCT deadline_id) AS dup FROM alerts`)
    ).rows;
    out(`duplicates: ${dup}`);

    // 2. Lag: RATE due per second for SECONDS, fired by the polling runners as in production.
    const startAt = new Date(Date.now() + 3000);
    await seed(db, RATE * SECONDS, startAt, RATE);
    for (const r of runners) r.start(POLL_MS, 200);
    const endAt = startAt.getTime() + SECONDS * 1000;
    while (Date.now() < endAt + 5000) {
      const [{ left }] = (
        await db.query(
          `SELECT count(*)::int AS left FROM deadlines WHERE state = 'pending' AND kind = 'alert_unacknowledged'`,
        )
      ).rows;
      if (left === 0 && Date.now() > endAt) break;
      await sleep(250);
    }
    await Promise.all(runners.map((r) => r.stop()));
    const [lag] = (
      await db.query(
        `SELECT count(*)::int AS n,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.fired_at - d.due_at)) * 1000 AS p50,
                percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM a.fired_at - d.due_at)) * 1000 AS p99,
                max(extract(epoch FROM a.fired_at - d.due_at)) * 1000 AS max
         FROM alerts a JOIN deadlines d ON d.id = a.deadline_id
         WHERE d.kind = 'alert_unacknowledged' AND d.due_at >= $1`,
        [startAt],
      )
    ).rows;
    out(
      `lag at ${RATE}/s for ${SECONDS} s: ${lag.n} fired; due→alert p50 ${Number(lag.p50).toFixed(0)} ms, ` +
        `p99 ${Number(lag.p99).toFixed(0)} ms, max ${Number(lag.max).toFixed(0)} ms (poll ${POLL_MS} ms)`,
    );
  } finally {
    await db.end();
    for (const c of contexts) await c.close();
    if (!process.env.BENCH_KEEP_DB) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  process.stderr.write(`deadlines bench failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
