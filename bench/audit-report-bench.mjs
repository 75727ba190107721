// The prosecutors' national quarterly response-time report on a year of national data (issue 11):
// seeds 1,000,000 incidents (a few million calls a year nationally, DOMAIN.md) with their call,
// dispatch and arrival times over ~225 districts into a fresh database, fills their
// incident_response_facts rows with the migration's own statement, then times the report as the
// app runs it (the query handler through the QueryBus) and its SQL alone, median of several runs,
// with the EXPLAIN ANALYZE plan. Target: under 2 s. Not part of `npm test`.
//
//   npm run bench:audit          (builds first)
//
// Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres: a server, on which
//      a database bench_audit_<time> is created), BENCH_INCIDENTS (1000000), BENCH_RUNS (5),
//      BENCH_KEEP_DB=1 keeps the database (drop it later with
//      psql -c 'DROP DATABASE "bench_audit_…"'; the name is printed), BENCH_DB=<name> reuses a
//      kept database instead of seeding again.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { cpus as cpuList, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const { Client } = require('pg');
const { NestFactory } = require('@nestjs/core');
const { QueryBus } = require('@nestjs/cqrs');
const dist = join(here, '..', 'dist');
const { AppModule } = require(join(dist, 'src/app.module.js'));
const { validateEnvironment } = require(join(dist, 'src/config/app-config.js'));
const { UPSERT_FACTS } = require(join(dist, 'migrations/1765900001000-incident-response-facts.js'));
const { ResponseTimesQuery, responseTimesSql } = require(
  join(dist, 'src/modules/audit/reports/response-times.query.js'),
);

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REUSE = process.env.BENCH_DB;
const KEEP = process.env.BENCH_KEEP_DB === '1' || Boolean(REUSE);
const cpuCount = () => cpuList().length;
const out = (line) => process.stdout.write(`${line}\n`);

const name = REUSE ?? `bench_audit_${Date.now()}`;
const url = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
})();

// A year of data, the report's quarter inside it (Asia/Almaty, UTC+5).
const YEAR_FROM = '2025-12-01T00:00:00+05:00';
const QUARTER = { from: '2026-07-01T00:00:00+05:00', to: '2026-10-01T00:00:00+05:00' };

async function admin(text) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

async function timed(label, fn) {
  const t0 = performance.now();
  const result = await fn();
  out(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
}

/**
 * Bulk load in SQL (generate_series), with triggers off for the load only
 * (session_replication_role = replica); the facts are then filled by the migration's backfill
 * statement, the same one the triggers run per incident. Times are skewed like real ones: most
 * calls answered in seconds, a tail of slow ones, a few crews never recorded on scene.
 */
async function seed(db) {
  await timed('districts (to ~225) and a bench user', () =>
    db.query(`
      INSERT INTO districts (code, name, region)
      SELECT 'BENCH-' || g, 'Район ' || g, 'Регион ' || (g % 17) FROM generate_series(1, 212) g;
      INSERT INTO users (username, password_hash, role, district_ids, created_at, updated_at)
      VALUES ('bench.dispatcher', 'x', 'dispatcher', '{}', now(), now())`),
  );
  await db.query(`SET session_replication_role = replica`);
  await timed(`${INCIDENTS.toLocaleString('en')} incidents`, () =>
    db.query(
      `WITH d AS (SELECT array_agg(id ORDER BY code) AS ids FROM districts),
            t AS (SELECT id FROM rule_sets WHERE kind = 'triage' ORDER BY valid_from LIMIT 1)
       INSERT INTO incidents (id, source, status, district_id, address, address_norm, coded, contact_policy,
         priority, risk_level, risk_score, reasons, triage_rule_set_id, received_at, created_at, updated_at,
         dispatched_at, on_scene_at)
       SELECT gen_random_uuid(), s.source, CASE WHEN s.arrived THEN 'closed' ELSE 'dispatched' END,
         d.ids[1 + (g::bigint * 7919) % array_length(d.ids, 1)], 'bench', 'bench', false, 'normal',
         s.priority, 'medium', 3, '[]'::jsonb, t.id, s.received, s.received, s.received,
         s.received + make_interval(secs => s.answer + s.dispatch),
         CASE WHEN s.arrived THEN s.received + make_interval(secs => s.answer + s.dispatch + s.travel) END
       FROM generate_series(1, $1::int) g, d, t,
       LATERAL (SELECT
         CASE WHEN g % 20 < 17 THEN 'call' WHEN g % 20 < 19 THEN 'qamqor' ELSE 'partner' END AS source,
         1 + (g % 97) % 4 AS priority,
         $2::timestamptz + (g::float8 / $1) * interval '365 days' AS received,
         round((2 + 40 * random() ^ 3)::numeric, 3) AS answer,
         round((10 + 150 * random() ^ 2)::numeric, 3) AS dispatch,
         round((120 + 1500 * random() ^ 2)::numeric, 3) AS travel,
         random() > 0.03 AS arrived) s`,
      [INCIDENTS, YEAR_FROM],
    ),
  );
  await timed('calls (one per 102 call)', () =>
    db.query(`
      INSERT INTO calls (id, incident_id, district_id, received_at, answered_at, caller_phone, coded,
        passphrase_detected, contact_policy, created_by, created_at)
      SELECT gen_random_uuid(), i.id, i.district_id, i.received_at,
        i.received_at + (i.dispatched_at - i.received_at) * 0.2 * random(), NULL, false, false, 'normal',
        (SELECT id FROM users WHERE username = 'bench.dispatcher'), i.received_at
      FROM incidents i WHERE i.source = 'call'`),
  );
  await db.query(`SET session_replication_role = DEFAULT`);
  await timed('incident_response_facts (the migration backfill)', () =>
    db.query(UPSERT_FACTS.replace('$WHERE', '')),
  );
  await timed('VACUUM ANALYZE', async () => {
    for (const table of ['incidents', 'calls', 'incident_response_facts'])
      await db.query(`VACUUM ANALYZE ${table}`);
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function main() {
  if (!REUSE) await admin(`CREATE DATABASE "${name}"`);
  const env = validateEnvironment({
    DATABASE_URL: url,
    JWT_SECRET: 'bench-secret-that-is-at-least-32-characters',
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '2',
  });
  const runtime = { env, databaseUrl: url, embedded: false, jwtSecret: env.JWT_SECRET };
  // Starting the app migrates the new database.
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(runtime), {
    logger: false,
  });
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    out(`audit report bench: database ${name}`);
    if (!REUSE) await seed(db);
    const [{ n, quarter }] = (
      await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE received_at >= $1 AND received_at < $2)::int AS quarter
         FROM incident_response_facts`,
        [QUARTER.from, QUARTER.to],
      )
    ).rows;
    const districts = (await db.query(`SELECT array_agg(id) AS ids FROM districts`)).rows[0].ids;
    out(
      `  ${n.toLocaleString('en')} incidents with facts; ${quarter.toLocaleString('en')} in the quarter; ${districts.length} districts`,
    );

    // The national quarterly report: every district, by district, priority, source and quarter.
    const groupBy = ['district', 'priority', 'source', 'period'];
    const principal = {
      id: 'bench',
      username: 'bench',
      role: 'prosecutor',
      districtIds: districts,
    };
    const bus = app.get(QueryBus);
    const viaHandler = async (breachLimit) => {
      const times = [];
      let last;
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        last = await bus.execute(
          new ResponseTimesQuery(
            principal,
            new Date(QUARTER.from),
            new Date(QUARTER.to),
            districts,
            groupBy,
            'quarter',
            breachLimit,
          ),
        );
        times.push(performance.now() - t0);
      }
      return { times, report: last };
    };
    for (const breachLimit of [100, 0]) {
      const { times, report } = await viaHandler(breachLimit);
      const listed = report.groups.reduce((s, g) => s + g.breaches.length, 0);
      const breaches = report.groups.reduce((s, g) => s + g.breachCount, 0);
      out(
        `national quarterly report via the query handler, breachLimit ${breachLimit}: median ${median(times).toFixed(0)} ms ` +
          `(runs: ${times.map((t) => t.toFixed(0)).join(', ')}); ${report.groups.length} groups, ` +
          `${breaches.toLocaleString('en')} breaching incidents, ${listed.toLocaleString('en')} listed`,
      );
    }
    const { text } = responseTimesSql(groupBy, 'quarter');
    const params = [QUARTER.from, QUARTER.to, districts, null, null, 100, 'quarter'];
    // The SQL alone on one connection, with that backend's CPU time (/proc, same machine): on a
    // machine shared with other work the wall time swings with the load, the CPU time much less.
    const pid = (await db.query(`SELECT pg_backend_pid() AS pid`)).rows[0].pid;
    const backendCpuMs = () => {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
        return (Number(f[11]) + Number(f[12])) * (1000 / 100);
      } catch {
        return NaN; // the server is on another machine
      }
    };
    const walls = [];
    const cpus = [];
    let listedIds = [];
    for (let i = 0; i < RUNS; i++) {
      const c0 = backendCpuMs();
      const t0 = performance.now();
      const { rows } = await db.query(text, params);
      walls.push(performance.now() - t0);
      cpus.push(backendCpuMs() - c0);
      listedIds = [...new Set(rows.flatMap((r) => r.breaches))];
    }
    out(
      `the report's SQL alone: median ${median(walls).toFixed(0)} ms wall (runs: ${walls.map((t) => t.toFixed(0)).join(', ')}), ` +
        `median ${median(cpus).toFixed(0)} ms PostgreSQL backend CPU; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')} on ${cpuCount()} CPUs`,
    );
    // What the controller adds: one access-log row per listed incident (rolled back here).
    await db.query('BEGIN');
    try {
      const t0 = performance.now();
      await db.query(
        `INSERT INTO access_log (user_id, at, ip, subject_type, subject_id, query, endpoint, outcome)
         SELECT (SELECT id FROM users WHERE username = 'bench.dispatcher'), now(), '127.0.0.1', 'incident', s,
                'response-times', 'GET /api/v1/audit/response-times', 'granted'
         FROM unnest($1::uuid[]) AS s`,
        [listedIds],
      );
      out(
        `access log of the ${listedIds.length.toLocaleString('en')} listed incidents (breachLimit 100): ${(performance.now() - t0).toFixed(0)} ms`,
      );
    } finally {
      await db.query('ROLLBACK');
    }
    // What keeping the facts costs the writers: the same 20,000 arrivals recorded with the facts
    // triggers and without them (session_replication_role = replica), each rolled back.
    for (const withTriggers of [true, false]) {
      await db.query('BEGIN');
      try {
        if (!withTriggers) await db.query(`SET LOCAL session_replication_role = replica`);
        const t0 = performance.now();
        await db.query(`UPDATE incidents SET on_scene_at = on_scene_at + interval '1 second'
          WHERE id IN (SELECT id FROM incidents WHERE on_scene_at IS NOT NULL LIMIT 20000)`);
        out(
          `20,000 incident updates (arrival time) ${withTriggers ? 'with' : 'without'} the facts triggers: ` +
            `${((performance.now() - t0) / 20).toFixed(0)} µs each`,
        );
      } finally {
        await db.query('ROLLBACK');
      }
    }
    const plan = (await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${text}`, params))
      .rows[0]['QUERY PLAN'][0];
    const nodes = [];
    const walk = (node, depth) => {
      nodes.push(
        `${'  '.repeat(depth)}${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}` +
          `${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}: rows ${node['Actual Rows']}, ` +
          `${node['Actual Total Time'].toFixed(0)} ms` +
          `${node['Sort Method'] ? `, sort ${node['Sort Method']} ${node['Sort Space Used']} kB` : ''}`,
      );
      for (const child of node.Plans ?? []) walk(child, depth + 1);
    };
    walk(plan.Plan, 1);
    out(
      `EXPLAIN ANALYZE: execution ${plan['Execution Time'].toFixed(0)} ms, planning ${plan['Planning Time'].toFixed(1)} ms`,
    );
    for (const line of nodes) out(line);
  } finally {
    await db.end();
    await app.close();
    if (KEEP) out(`kept database ${name} (drop: psql ${ADMIN_URL} -c 'DROP DATABASE "${name}"')`);
    else await admin(`DROP DATABASE "${name}" WITH (FORCE)`);
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
