// Dispatch load bench: queue reads with 10,000 open incidents, assignment throughput, and two
// baselines run side by side on the same machine (a bare Fastify + pg INSERT endpoint, and the
// service's own /health/ready). Needs `npm run build` first and a PostgreSQL server:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/dispatch-bench.mjs
// Every request goes to 127.0.0.1 only; each phase is bounded in time and stops by itself.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { Client, Pool } = require('pg');
const Fastify = require('fastify');

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DURATION = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const OPEN_INCIDENTS = 10_000;
const PORT = 3990;
const PASSWORD = 'Bench-Password-2026';
const out = (line) => process.stdout.write(`${line}\n`);

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function run(name, opts) {
  const results = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await autocannon({ duration: DURATION, connections: CONNECTIONS, ...opts });
    results.push(r);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const summary = {
    name,
    reqPerSec: median(results.map((r) => r.requests.average)),
    p50ms: median(results.map((r) => r.latency.p50)),
    p99ms: median(results.map((r) => r.latency.p99)),
    non2xx: results.reduce((s, r) => s + r.non2xx, 0),
    errors: results.reduce((s, r) => s + r.errors + r.timeouts, 0),
  };
  out(
    `${name.padEnd(44)} ${summary.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${String(summary.p50ms).padStart(4)} ms  p99 ${String(summary.p99ms).padStart(4)} ms  non2xx ${summary.non2xx}  errors ${summary.errors}`,
  );
  return summary;
}

async function bareInsertBaseline(url) {
  const pool = new Pool({ connectionString: url, max: 20 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, body jsonb NOT NULL, at timestamptz NOT NULL)',
  );
  const app = Fastify({ logger: false });
  app.post('/bare', async (req, reply) => {
    const id = randomUUID();
    await pool.query('INSERT INTO bench_bare (id, body, at) VALUES ($1, $2, now())', [
      id,
      req.body,
    ]);
    reply.code(201);
    return { id };
  });
  await app.listen({ port: PORT + 1, host: '127.0.0.1' });
  const summary = await run('baseline: bare Fastify + pg INSERT', {
    url: `http://127.0.0.1:${PORT + 1}/bare`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ unitId: randomUUID() }),
  });
  await app.close();
  await pool.end();
  return summary;
}

async function main() {
  const name = `bench_dispatch_test_${Date.now()}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = dbUrl(name);
  out(
    `database ${name}; ${RUNS} run(s) of ${DURATION} s, ${CONNECTIONS} connections each; medians shown`,
  );
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: url,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-42',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      DB_POOL_SIZE: '20',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/api/v1/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 120) throw new Error('service did not become ready');
      await sleep(500);
    }
    const db = new Client({ connectionString: url });
    await db.connect();
    // 10,000 open incidents over every district, of all priorities and ages.
    await db.query(
      `INSERT INTO incidents (id, source, status, district_id, address, address_norm, caller_phone, coded, contact_policy,
         priority, risk_level, risk_score, reasons, triage_rule_set_id, received_at, created_at, updated_at)
       SELECT gen_random_uuid(), 'call', 'open', d.id, 'ул. Нагрузочная ' || g, 'ул нагрузочная ' || g, NULL, g % 17 = 0,
              CASE WHEN g % 17 = 0 THEN 'silent' ELSE 'normal' END, 1 + g % 4,
              (ARRAY['extreme','high','medium','low'])[1 + g % 4], 0, '["bench"]'::jsonb,
              (SELECT id FROM rule_sets WHERE kind = 'triage' LIMIT 1),
              now() - make_interval(secs => g % 3600), now(), now()
       FROM generate_series(1, $1) g
       JOIN LATERAL (SELECT id FROM districts ORDER BY code OFFSET (g % 13) LIMIT 1) d ON true`,
      [OPEN_INCIDENTS],
    );
    await db.query('ANALYZE incidents');
    const login = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
    }).then((r) => r.json());
    const auth = { authorization: `Bearer ${login.accessToken}` };

    await bareInsertBaseline(url);
    await run('baseline: GET /health/ready (SELECT 1 + migrations)', {
      url: `http://127.0.0.1:${PORT}/api/v1/health/ready`,
    });
    await run(`GET /dispatch/queue, ${OPEN_INCIDENTS} open, 13 districts`, {
      url: `http://127.0.0.1:${PORT}/api/v1/dispatch/queue`,
      headers: auth,
    });
    const [{ id: yesil }] = (await db.query(`SELECT id FROM districts WHERE code = 'AST-YESIL'`))
      .rows;
    await run('GET /dispatch/queue?districtId= (one district)', {
      url: `http://127.0.0.1:${PORT}/api/v1/dispatch/queue?districtId=${yesil}`,
      headers: auth,
    });

    // Assignment: a fresh (incident, crew) pair per request, so every request should be a 201.
    const pairs = 60_000;
    const units = (
      await db.query(
        `INSERT INTO units (id, call_sign, district_id, status, created_at, updated_at)
         SELECT gen_random_uuid(), 'BENCH-' || g, $1, 'available', now(), now() FROM generate_series(1, $2) g RETURNING id`,
        [yesil, pairs],
      )
    ).rows.map((r) => r.id);
    const incidents = (
      await db.query(
        `SELECT id FROM incidents WHERE district_id = $1 AND status = 'open' LIMIT $2`,
        [yesil, pairs],
      )
    ).rows.map((r) => r.id);
    const extra = (
      await db.query(
        `INSERT INTO incidents (id, source, status, district_id, address, address_norm, coded, contact_policy, priority,
           risk_level, risk_score, reasons, triage_rule_set_id, received_at, created_at, updated_at)
         SELECT gen_random_uuid(), 'call', 'open', $1, 'x', 'x', false, 'normal', 4, 'low', 0, '[]'::jsonb,
                (SELECT id FROM rule_sets WHERE kind = 'triage' LIMIT 1), now(), now(), now()
         FROM generate_series(1, $2) RETURNING id`,
        [yesil, pairs - incidents.length],
      )
    ).rows.map((r) => r.id);
    const all = [...incidents, ...extra];
    let next = 0;
    const assign = await run('POST /incidents/{id}/assignments (201s)', {
      url: `http://127.0.0.1:${PORT}`,
      headers: { ...auth, 'content-type': 'application/json' },
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const i = next++ % pairs;
            return {
              ...req,
              path: `/api/v1/incidents/${all[i]}/assignments`,
              body: JSON.stringify({ unitId: units[i] }),
            };
          },
        },
      ],
    });
    const { rows } = await db.query(
      `SELECT count(*)::int AS n, count(DISTINCT unit_id)::int AS units FROM assignments`,
    );
    out(
      `assignments written: ${rows[0].n} (${rows[0].units} distinct crews); non-2xx during the run: ${assign.non2xx}`,
    );
    await db.end();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e.stack ?? e}\n`);
  process.exit(1);
});
