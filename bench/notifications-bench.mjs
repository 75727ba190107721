// Outbound notifications, measured: how many queued notifications the worker delivers per second
// to a local fake gateway (signed POST, Idempotency-Key, 200 at once), next to a baseline of the
// same number of bare POSTs from this process at the same concurrency. Runs the built app's
// NotificationWorker in this process against a fresh database on BENCH_DATABASE_URL's server; the
// gateway runs in this process too (it shares the CPU: absolute figures are lower than a remote
// gateway would allow). Not part of `npm test`.
//
//   npm run build && node bench/notifications-bench.mjs
//
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
//      BENCH_COUNT (5000 notifications), BENCH_WORKERS (1: application contexts, each its own
//      pool), BENCH_CONCURRENCY (20: NOTIFY_CONCURRENCY), BENCH_KEEP_DB=1 to keep the database.
import 'reflect-metadata';
import { createServer } from 'node:http';
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
const { UnitOfWork } = require(join(dist, 'libs/persistence/src/index.js'));
const { NotificationWorker } = require(
  join(dist, 'src/modules/notifications/application/notification-worker.js'),
);
const { NotificationQueue } = require(
  join(dist, 'src/modules/notifications/application/notification-queue.js'),
);

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const COUNT = Number(process.env.BENCH_COUNT ?? 5000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const SECRET = 'bench-webhook-secret-of-at-least-32-characters';
const out = (line) => process.stdout.write(`${line}\n`);

const name = `bench_notifications_${Date.now()}`;
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

/** The fake gateway: answers 200 at once, counts requests and distinct Idempotency-Keys. */
async function gateway() {
  const keys = new Set();
  let requests = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests += 1;
      keys.add(req.headers['idempotency-key']);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stats: () => ({ requests, distinct: keys.size }),
    reset: () => {
      requests = 0;
      keys.clear();
    },
    close: () => new Promise((r) => server.close(r)),
  };
}

async function seed(db, count) {
  const [{ id: userId }] = (
    await db.query(
      `INSERT INTO users (username, password_hash, role, created_at, updated_at)
       VALUES ('bench.inspector', 'x', 'inspector', now(), now()) RETURNING id`,
    )
  ).rows;
  const [{ id: personId }] = (
    await db.query(`INSERT INTO persons (created_at, updated_at) VALUES (now(), now()) RETURNING id`)
  ).rows;
  const [{ id: contactId }] = (
    await db.query(
      `INSERT INTO safe_contacts (id, person_id, channel, value, consent_at, recorded_by, created_at)
       VALUES (gen_random_uuid(), $1, 'phone', '+77015550303', now(), $2, now()) RETURNING id`,
      [personId, userId],
    )
  ).rows;
  const ids = (
    await db.query(
      `INSERT INTO notifications (id, kind, source_type, source_id, subject_type, subject_id, person_id,
                                  channel, safe_contact_id, payload, status, rule_set_id, created_at,
                                  updated_at, job_id)
       SELECT g.id, 'order_served', 'protective_order', gen_random_uuid(), 'protective_order',
              gen_random_uuid(), $2, 'sms', $3,
              jsonb_build_object('notificationId', g.id, 'kind', 'order_served', 'channel', 'sms',
                                 'to', '+77015550303', 'caseRef', gen_random_uuid(), 'at', now(),
                                 'text', 'Предписание вручено.'),
              'pending', (SELECT id FROM rule_sets WHERE kind = 'notifications' LIMIT 1), now(), now(), g.id
       FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $1)) g
       RETURNING id`,
      [count, personId, contactId],
    )
  ).rows.map((r) => r.id);
  return ids;
}

async function main() {
  await admin(`CREATE DATABASE "${name}"`);
  const gw = await gateway();
  const env = validateEnvironment({
    DATABASE_URL: url,
    JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '10',
    NOTIFY_SMS_WEBHOOK_URL: `${gw.url}/sms`,
    NOTIFY_WEBHOOK_SECRET: SECRET,
    NOTIFY_CONCURRENCY: String(CONCURRENCY),
  });
  const runtime = { env, databaseUrl: url, embedded: false, jwtSecret: env.JWT_SECRET };
  const contexts = [];
  for (let i = 0; i < WORKERS; i++)
    contexts.push(
      await NestFactory.createApplicationContext(AppModule.forRoot(runtime), { logger: false }),
    );
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    out(
      `notifications bench: ${COUNT} notifications, ${WORKERS} worker(s) × ${CONCURRENCY} at once, database ${name}`,
    );
    // Baseline: the same number of bare POSTs from this process to the same gateway.
    const body = JSON.stringify({ to: '+77015550303', text: 'x' });
    let next = 0;
    const b0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY * WORKERS }, async () => {
        while (next < COUNT) {
          next += 1;
          const res = await fetch(`${gw.url}/sms`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': String(next) },
            body,
          });
          await res.body?.cancel();
        }
      }),
    );
    const baseline = COUNT / ((performance.now() - b0) / 1000);
    out(`baseline: ${Math.round(baseline)} bare POSTs per second`);
    gw.reset();

    // Enqueue through the app's queue, in transactions of 1,000 (as causes would, fewer at once).
    const ids = await seed(db, COUNT);
    const uow = contexts[0].get(UnitOfWork);
    const queue = contexts[0].get(NotificationQueue);
    for (let i = 0; i < ids.length; i += 1000)
      await uow.run((tx) =>
        queue.enqueue(
          tx,
          ids.slice(i, i + 1000).map((id) => ({
            id,
            notificationId: id,
            retryPlan: { retryLimit: 5, retryDelay: 10, retryBackoff: true },
            expireInSeconds: 30,
          })),
        ),
      );

    const t0 = performance.now();
    for (const c of contexts) await c.get(NotificationWorker).start(250);
    for (;;) {
      const [{ left }] = (
        await db.query(`SELECT count(*)::int AS left FROM notifications WHERE status = 'pending'`)
      ).rows;
      if (left === 0) break;
      if (performance.now() - t0 > 300_000) throw new Error(`${left} still pending after 5 min`);
      await sleep(100);
    }
    const seconds = (performance.now() - t0) / 1000;
    await Promise.all(contexts.map((c) => c.get(NotificationWorker).stop()));
    const rate = COUNT / seconds;
    const { requests, distinct } = gw.stats();
    out(
      `delivered: ${COUNT} in ${seconds.toFixed(2)} s = ${Math.round(rate)} per second ` +
        `(${(rate / baseline).toFixed(2)}× the bare POST baseline)`,
    );
    out(`gateway: ${requests} requests, ${distinct} distinct Idempotency-Keys`);
  } finally {
    await db.end();
    for (const c of contexts) await c.close();
    await gw.close();
    if (!process.env.BENCH_KEEP_DB) await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  process.stderr.write(`notifications bench failed: ${e?.stack ?? e}\n`);
  process.exit(1);
});
