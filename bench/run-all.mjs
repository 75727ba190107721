// `npm run bench`: every scenario of issue 8 side by side with its baselines, in one script, on a
// fresh database; writes bench/RESULTS.md. Nothing here runs in `npm test` or CI.
//
// Scenarios (autocannon, BENCH_CONNECTIONS connections, BENCH_SECONDS each, BENCH_ROUNDS rounds,
// interleaved so that background load hits them alike; medians reported):
//   bare NestJS + Fastify + TypeORM one-row INSERT (bench/bare-nest-insert.mjs, its own process)
//   GET /health/ready, POST /calls, POST /incidents/{id}/assignments, GET /dispatch/queue
//   (100 of 10,000 open incidents)
// and pgbench replaying the SQL an endpoint issues, as one transaction (skipped if absent).
// Measured per request: statements (pg Client#query calls, counted by bench/count-statements.mjs
// preloaded into the app), Node CPU (/proc/<pid>/stat of the app), PostgreSQL CPU (/proc of the
// database's backends), and the app's peak RSS throughout.
//
// Env: BENCH_DATABASE_URL (admin URL of a local PostgreSQL; default postgres://postgres@127.0.0.1:5432/postgres)
//      BENCH_APP_DIR (checkout to measure, default this one: its dist/ is built with
//        `npm run build` only when missing), BENCH_SECONDS (10), BENCH_ROUNDS (3),
//      BENCH_CONNECTIONS (50), BENCH_PORT (3170; uses 3170-3172), BENCH_KEEP_DB=1 to keep it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const { Client } = require('pg');

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const APP_DIR = resolve(process.env.BENCH_APP_DIR ?? join(here, '..'));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 3170);
const OPEN_INCIDENTS = 10_000;
const PASSWORD = 'Bench-Password-2026';
const CLK_TCK = 100; // USER_HZ on Linux
const out = (line) => process.stdout.write(`${line}\n`);
const tmp = mkdtempSync(join(tmpdir(), 'bench-'));

function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}
async function sql(url, text, params) {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}
/** utime + stime of a process, in ms; 0 if it is gone. */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}
function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

function startProcess(name, args, env, counterFile) {
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(join(here, 'count-statements.mjs')).href, ...args],
    {
      cwd: APP_DIR,
      env: { ...process.env, ...env, BENCH_COUNTER_FILE: counterFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  child.on('exit', (code, signal) => {
    if (!child.stopping) out(`${name} exited (${code ?? signal})`);
  });
  return child;
}
async function statementCount(child, file) {
  rmSync(file, { force: true });
  child.kill('SIGUSR2');
  for (let i = 0; i < 100; i++) {
    await sleep(20);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    if (text !== '') return Number(text);
  }
  return NaN;
}
async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    const ok = await fetch(url).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer`);
}

async function main() {
  if (!existsSync(join(APP_DIR, 'dist/src/main.js'))) {
    out(`building ${APP_DIR} (dist/ missing)`);
    const b = spawnSync('npm', ['run', 'build'], { cwd: APP_DIR, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const name = `bench_perf_test_${Date.now()}`;
  await sql(ADMIN_URL, `CREATE DATABASE "${name}"`);
  const url = dbUrl(name);
  const appCounter = join(tmp, 'app.count');
  const bareCounter = join(tmp, 'bare.count');
  // The API runs with the V8 flags it is deployed with (package.json start:prod, as the Dockerfile).
  const startProd =
    JSON.parse(readFileSync(join(APP_DIR, 'package.json'), 'utf8')).scripts?.['start:prod'] ?? '';
  const nodeFlags = startProd.split(/\s+/).filter((t) => t.startsWith('--'));
  const app = startProcess(
    'app',
    [...nodeFlags, 'dist/src/main.js'],
    {
      PORT: String(PORT),
      DATABASE_URL: url,
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-42',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      DB_POOL_SIZE: '20',
    },
    appCounter,
  );
  const bare = startProcess(
    'bare',
    [join(here, 'bare-nest-insert.mjs')],
    { PORT: String(PORT + 1), DATABASE_URL: url, DB_POOL_SIZE: '20' },
    bareCounter,
  );
  let rssMax = 0;
  // Peak RSS per phase too (start-up, seeding, each scenario): says what holds the memory.
  let phase = 'start-up';
  const rssByPhase = {};
  const rssTimer = setInterval(() => {
    const now = rssMb(app.pid);
    rssMax = Math.max(rssMax, now);
    rssByPhase[phase] = Math.max(rssByPhase[phase] ?? 0, now);
  }, 100);
  const base = `http://127.0.0.1:${PORT}/api/v1`;
  try {
    await waitFor(`${base}/health/ready`);
    await waitFor(`http://127.0.0.1:${PORT + 1}/bare`);
    out(`node flags of the app: ${nodeFlags.join(' ') || 'none'}`);
    out(`app ${APP_DIR} on ${name}; ${ROUNDS} round(s) × ${SECONDS} s, ${CONNECTIONS} connections`);
    phase = 'seeding';

    // 10,000 open incidents over every district, of all priorities and ages.
    await sql(
      url,
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
    const [{ id: yesil }] = await sql(url, `SELECT id FROM districts WHERE code = 'AST-YESIL'`);
    // Assignments need a fresh (incident, crew) pair per request: kept apart from the queue's
    // 10,000 (a district of their own would be ideal; priority 4 and oldest-last keeps them
    // behind the seeded ones in the queue's first 100).
    const pairs = Number(process.env.BENCH_PAIRS ?? 20_000);
    const unitIds = (
      await sql(
        url,
        `INSERT INTO units (id, call_sign, district_id, status, created_at, updated_at)
         SELECT gen_random_uuid(), 'BENCH-' || g, $1, 'available', now(), now() FROM generate_series(1, $2) g RETURNING id`,
        [yesil, pairs],
      )
    ).map((r) => r.id);
    const incidentIds = (
      await sql(
        url,
        `INSERT INTO incidents (id, source, status, district_id, address, address_norm, coded, contact_policy, priority,
           risk_level, risk_score, reasons, triage_rule_set_id, received_at, created_at, updated_at)
         SELECT gen_random_uuid(), 'call', 'open', $1, 'x', 'x', false, 'normal', 4, 'low', 0, '[]'::jsonb,
                (SELECT id FROM rule_sets WHERE kind = 'triage' LIMIT 1), now(), now(), now()
         FROM generate_series(1, $2) RETURNING id`,
        [yesil, pairs],
      )
    ).map((r) => r.id);
    // Incidents and crews made by the service have an event stream (IncidentOpened, UnitCreated);
    // these were made in SQL, so give them an empty one (version 0, genesis hash) as a start.
    await sql(
      url,
      `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at)
       SELECT id::text, 'incident', 0, repeat('0', 64), now() FROM unnest($1::uuid[]) id
       UNION ALL SELECT id::text, 'unit', 0, repeat('0', 64), now() FROM unnest($2::uuid[]) id`,
      [incidentIds, unitIds],
    );
    await sql(url, 'ANALYZE');
    phase = 'login';
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'dispatcher', password: PASSWORD }),
    }).then((r) => r.json());
    if (!login.accessToken) throw new Error('bench login failed');
    const auth = { authorization: `Bearer ${login.accessToken}` };
    const json = { 'content-type': 'application/json' };

    let phone = 0;
    let pair = 0;
    const scenarios = [
      {
        key: 'bare',
        name: 'baseline: bare NestJS + Fastify + TypeORM INSERT',
        proc: bare,
        counter: bareCounter,
        opts: {
          url: `http://127.0.0.1:${PORT + 1}/bare`,
          method: 'POST',
          headers: json,
          body: JSON.stringify({ unitId: '00000000-0000-4000-8000-000000000000' }),
        },
      },
      {
        key: 'ready',
        name: 'baseline: GET /health/ready',
        opts: { url: `${base}/health/ready` },
      },
      {
        key: 'intake',
        name: 'POST /calls',
        opts: {
          url: base,
          headers: { ...auth, ...json },
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => ({
                ...req,
                path: '/api/v1/calls',
                body: JSON.stringify({
                  callerPhone: `+7701${String(phone++ % 10_000_000).padStart(7, '0')}`,
                  districtId: yesil,
                  address: `ул. Абая ${phone % 500}`,
                  transcript: 'Здравствуйте, вы получили маски и антисептики?',
                  victim: { fullName: 'Бенч Тестова' },
                }),
              }),
            },
          ],
        },
      },
      {
        key: 'assign',
        name: 'POST /incidents/{id}/assignments',
        opts: {
          url: base,
          headers: { ...auth, ...json },
          requests: [
            {
              method: 'POST',
              setupRequest: (req) => {
                const i = pair++ % pairs;
                return {
                  ...req,
                  path: `/api/v1/incidents/${incidentIds[i]}/assignments`,
                  body: JSON.stringify({ unitId: unitIds[i] }),
                };
              },
            },
          ],
        },
      },
      {
        key: 'queue',
        name: `GET /dispatch/queue (100 of ${OPEN_INCIDENTS} open)`,
        opts: { url: `${base}/dispatch/queue`, headers: auth },
      },
    ];

    const backends = async () =>
      (
        await sql(
          url,
          `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [name],
        )
      ).map((r) => r.pid);
    const pgCpu = (pids) => pids.reduce((s, pid) => s + cpuMs(pid), 0);
    const samples = Object.fromEntries(scenarios.map((s) => [s.key, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const s of scenarios) {
        const proc = s.proc ?? app;
        const counter = s.counter ?? appCounter;
        const pids = await backends();
        const stmts0 = await statementCount(proc, counter);
        const node0 = cpuMs(proc.pid);
        const pg0 = pgCpu(pids);
        phase = s.key;
        const r = await autocannon({ duration: SECONDS, connections: CONNECTIONS, ...s.opts });
        // Requests cut off at the end are still being served: let them finish, and divide by every
        // request sent, so short runs are not skewed by the ones in flight.
        await sleep(1000);
        const node1 = cpuMs(proc.pid);
        const pids1 = await backends();
        // Backends opened during the run count from zero (their whole CPU is this run's).
        const pg1 = pgCpu(pids1);
        const stmts1 = await statementCount(proc, counter);
        const n = r.requests.sent ?? r.requests.total;
        const ok = n - r.non2xx;
        samples[s.key].push({
          rps: r.requests.average,
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
          stmts: (stmts1 - stmts0) / n,
          nodeMs: (node1 - node0) / n,
          pgMs: (pg1 - pg0) / n,
          ok,
        });
        out(
          `round ${round} ${s.name.padEnd(48)} ${r.requests.average.toFixed(0).padStart(6)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} non2xx ${r.non2xx} errors ${r.errors} timeouts ${r.timeouts}`,
        );
      }
    }

    const pgbench = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
    const pgbenchResults = {};
    const pgbenchLatencies = {};
    if (pgbench.status === 0) {
      const [{ id: userId, district_ids: userDistricts }] = await sql(
        url,
        `SELECT id, district_ids FROM users WHERE username = 'dispatcher'`,
      );
      const ruleSet = async (kind) =>
        (
          await sql(
            url,
            `SELECT id FROM rule_sets WHERE kind = $1 ORDER BY valid_from DESC LIMIT 1`,
            [kind],
          )
        )[0]?.id;
      const [{ id: passphraseId }] = await sql(url, `SELECT id FROM passphrases LIMIT 1`);
      for (const [key, script] of Object.entries(
        pgbenchScripts({
          userId,
          userDistricts,
          districtId: yesil,
          triageId: await ruleSet('triage'),
          deadlinesId: await ruleSet('deadlines'),
          dispatchId: await ruleSet('dispatch'),
          passphraseId,
        }),
      )) {
        const file = join(tmp, `${key}.sql`);
        writeFileSync(file, script);
        const res = spawnSync(
          'pgbench',
          [
            '-n',
            // The app prepares its hot statements once per connection: so does the replay.
            '-M',
            'prepared',
            '-r',
            '-c',
            String(CONNECTIONS),
            '-j',
            '2',
            '-T',
            String(SECONDS),
            '-f',
            file,
            url,
          ],
          { encoding: 'utf8' },
        );
        const tps = /tps = ([\d.]+)/.exec(res.stdout ?? '');
        pgbenchResults[key] = tps ? Number(tps[1]) : NaN;
        // Per-statement latency (ms, averaged over clients): where PostgreSQL's time goes.
        const perStatement = (res.stdout ?? '').split('statement latencies')[1];
        if (perStatement)
          pgbenchLatencies[key] = perStatement
            .split('\n')
            .filter((l) => /^\s+[\d.]+\s+\d+\s+\S/.test(l) && !l.includes('\\set'))
            .map((l) => {
              const [, ms, text] = /^\s+([\d.]+)\s+\d+\s+(.*)$/.exec(l);
              return { ms: Number(ms), text: text.slice(0, 70) };
            });
        out(`pgbench ${key}: ${tps ? tps[1] : `failed: ${(res.stderr ?? '').split('\n')[0]}`} tps`);
      }
    } else {
      out('pgbench not found: the pgbench column is skipped (apt-get install postgresql-client)');
    }

    const m = Object.fromEntries(
      Object.entries(samples).map(([k, xs]) => [
        k,
        Object.fromEntries(
          ['rps', 'p50', 'p99', 'stmts', 'nodeMs', 'pgMs'].map((f) => [
            f,
            median(xs.map((x) => x[f])),
          ]),
        ),
      ]),
    );
    const non2xx = Object.fromEntries(
      Object.entries(samples).map(([k, xs]) => [
        k,
        xs.reduce((s, x) => s + x.non2xx + x.errors, 0),
      ]),
    );
    writeResults(scenarios, m, non2xx, pgbenchResults, rssMax, rssByPhase, pgbenchLatencies);
  } finally {
    clearInterval(rssTimer);
    for (const c of [app, bare]) {
      c.stopping = true;
      c.kill('SIGTERM');
    }
    await sleep(1500);
    if (!process.env.BENCH_KEEP_DB) {
      await sql(ADMIN_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
    }
  }
}

/**
 * The SQL each endpoint issues today (captured with BENCH_SQL_LOG, see count-statements.mjs), as
 * one pgbench transaction with made-up ids per transaction. `intake` is what POST /calls sends for
 * the bench's coded call (the passphrase matches: P1, two deadlines); `intake_floor` is the least
 * SQL that keeps the same guarantees: the user re-read, the history read, and every write of the
 * call in ONE statement (a single statement is its own transaction). JSON colons are spelled
 * chr(58): pgbench would take `:name` for a variable.
 */
function pgbenchScripts(ids) {
  const { userId, userDistricts, districtId, triageId, deadlinesId, dispatchId, passphraseId } =
    ids;
  const id = (n) => `md5(:r::text || '${n}')::uuid`;
  const json = (text) => `replace('${text.replaceAll(':', '#')}', '#', chr(58))`;
  const user = `SELECT id, username, password_hash, role, district_ids, disabled, token_version, created_at, updated_at FROM users WHERE id = '${userId}';`;
  const history = `WITH given AS (SELECT * FROM unnest('{victim,offender}'::text[], '{NULL,NULL}'::text[], '{NULL,NULL}'::text[], '{бенч тестова,NULL}'::text[]) AS g(role, iin, phone, name_norm)), named AS (SELECT p.id AS person_id, g.role FROM given g JOIN persons p ON p.iin = g.iin::char(12) UNION SELECT p.id, g.role FROM given g JOIN persons p ON g.iin IS NULL AND p.iin IS NULL AND p.phone = g.phone AND p.full_name_norm IS NOT DISTINCT FROM g.name_norm UNION SELECT person_id, role FROM incident_persons WHERE incident_id = NULL), hits AS (SELECT id, 'place' AS via, received_at FROM incidents WHERE address_norm = 'ул абая ' || :a UNION ALL SELECT id, 'place', received_at FROM incidents WHERE ('+7701' || :ph)::text IS NOT NULL AND caller_phone = '+7701' || :ph UNION ALL SELECT i.id, n.role, i.received_at FROM named n JOIN incident_persons ip ON ip.person_id = n.person_id JOIN incidents i ON i.id = ip.incident_id), active_orders AS (SELECT o.id, o.issued_at, o.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender') AS against_named_offender FROM protective_orders o WHERE o.status IN ('issued', 'served') AND o.issued_at <= now() AND (o.expires_at IS NULL OR o.expires_at > now()) AND (o.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender') OR o.victim_person_id IN (SELECT person_id FROM named WHERE role = 'victim') OR o.incident_id IN (SELECT id FROM incidents WHERE address_norm = 'ул абая ' || :a OR (('+7701' || :ph)::text IS NOT NULL AND caller_phone = '+7701' || :ph)))) SELECT count(DISTINCT id)::int AS n, count(DISTINCT id) FILTER (WHERE via = 'place')::int AS place, count(DISTINCT id) FILTER (WHERE via = 'victim')::int AS victim, count(DISTINCT id) FILTER (WHERE via = 'offender')::int AS offender, count(DISTINCT id) FILTER (WHERE via = 'applicant')::int AS applicant, (SELECT count(*)::int FROM active_orders) AS active_orders, (SELECT id FROM active_orders WHERE against_named_offender ORDER BY issued_at DESC LIMIT 1) AS violated_order_id, (SELECT count(*)::int FROM arrests a WHERE a.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender') AND a.starts_at < now()) AS prior_arrests FROM hits WHERE id IS DISTINCT FROM NULL AND received_at < now() AND received_at >= now() - make_interval(days => 365);`;
  const incident = `INSERT INTO incidents (id, source, status, district_id, address, address_norm, lat, lon, caller_phone, coded, contact_policy, priority, risk_level, risk_score, reasons, risk_answers, triage_rule_set_id, received_at, created_at, updated_at) VALUES (${id('i')}, 'call', 'open', '${districtId}', 'ул. Абая ' || :a, 'ул абая ' || :a, NULL, NULL, '+7701' || :ph, true, 'silent', 1, 'not_assessed', 0, '["Coded call"]'::jsonb, '{}'::jsonb, '${triageId}', now(), now(), now())`;
  const h1 = `'${'1'.repeat(64)}'`;
  const h2 = `'${'2'.repeat(64)}'`;
  const g0 = `'${'0'.repeat(64)}'`;
  const p1 = json(
    `{"callId":"83a55b97-e429-48a6-a5c1-0b965e98ec55","incidentId":"1a77adcb-def5-4959-9d1f-822fb8020fd2","districtId":"${districtId}","receivedAt":"2026-11-30T06:00:44.415Z","answeredAt":"2026-11-30T06:00:44.415Z","coded":true,"codedBy":"passphrase","passphraseDetected":true,"matchedPassphraseId":"${passphraseId}","language":null,"possibleViolationOrderId":null}`,
  );
  const p2 = json(
    `{"incidentId":"1a77adcb-def5-4959-9d1f-822fb8020fd2","source":"call","districtId":"${districtId}","coded":true,"contactPolicy":"silent","priority":1,"riskLevel":"not_assessed","riskScore":0,"ruleSetId":"${triageId}","receivedAt":"2026-11-30T06:00:44.415Z"}`,
  );
  const head = `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at) VALUES (${id('i')}::text, 'incident', 2, ${h2}, now()) ON CONFLICT (stream_id) DO NOTHING RETURNING 1`;
  const events = `INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash) SELECT v.id, ${id('i')}::text, 'incident', v.version, v.type, v.payload, v.actor_id, v.occurred_at, now(), v.prev_hash, v.hash FROM (VALUES (${id('e1')}, 1, 'CallRegistered', ${p1}::jsonb, '${userId}'::uuid, now(), ${g0}, ${h1}), (${id('e2')}, 2, 'IncidentOpened', ${p2}::jsonb, '${userId}'::uuid, now(), ${h1}, ${h2})) AS v(id, version, type, payload, actor_id, occurred_at, prev_hash, hash) WHERE EXISTS (SELECT 1 FROM head)`;
  const deadlines = `INSERT INTO deadlines (id, kind, subject_type, subject_id, district_id, due_at, rule_set_id, rule_key, created_at) SELECT * FROM unnest(ARRAY[${id('d1')}, ${id('d2')}], '{coded_call_unassigned,arrival_overdue}'::text[], '{incident,incident}'::text[], ARRAY[${id('i')}, ${id('i')}], '{${districtId},${districtId}}'::uuid[], ARRAY[now() + interval '60 s', now() + interval '15 min'], '{${deadlinesId},${dispatchId}}'::uuid[], '{alert.codedCallUnassignedSeconds,target.attendanceSecondsUrban}'::text[], ARRAY[now(), now()]) ON CONFLICT (kind, subject_id, due_at) DO NOTHING`;
  const call = `INSERT INTO calls (id, incident_id, district_id, received_at, answered_at, caller_phone, transcript, language, coded, coded_by, passphrase_detected, matched_passphrase_id, contact_policy, created_by, created_at) VALUES (${id('c')}, ${id('i')}, '${districtId}', now(), now(), '+7701' || :ph, 'Здравствуйте, вы получили маски и антисептики?', NULL, true, 'passphrase', true, '${passphraseId}', 'silent', '${userId}', now())`;
  const person = `INSERT INTO persons (full_name, full_name_norm, phone, created_at, updated_at) VALUES ('Бенч Тестова', 'бенч тестова', NULL, now(), now()) RETURNING id`;
  const link = `INSERT INTO incident_persons (incident_id, person_id, role, full_name, phone, birth_date) SELECT ${id('i')}, id, 'victim', 'Бенч Тестова', NULL::text, NULL::date FROM person ON CONFLICT DO NOTHING`;
  const vars = `\\set r random(1, 9000000000000000)
\\set a random(0, 499)
\\set ph random(1000000, 9999999)`;
  return {
    bare: `\\set r random(1, 9000000000000000)
INSERT INTO bench_bare (id, body, at) VALUES (${id('b')}, jsonb_build_object('unitId', 'x'), now());
`,
    intake: `${vars}
${user}
BEGIN;
${history}
${incident};
WITH head AS (${head}) ${events} RETURNING position, stream_version;
${deadlines};
${call};
WITH person AS (${person}), link AS (${link}) SELECT id FROM person;
COMMIT;
`,
    intake_floor: `${vars}
${user}
${history}
WITH inc AS (${incident} RETURNING id), head AS (${head}), ev AS (${events} RETURNING position), dl AS (${deadlines} RETURNING 1), cl AS (${call} RETURNING 1), person AS (${person}), link AS (${link}) SELECT (SELECT count(*) FROM ev), (SELECT id FROM person);
`,
    queue: `SELECT id, username, password_hash, role, district_ids, disabled, token_version, created_at, updated_at FROM users WHERE id = '${userId}';
SELECT id, priority, risk_level, coded, district_id, address, reasons, source, received_at, GREATEST(0, EXTRACT(EPOCH FROM (now() - received_at)))::int AS waiting, (EXTRACT(EPOCH FROM (now() - received_at)) > ('{600,1200,1800,3600}'::int[])[priority]) AS overdue FROM incidents WHERE status = 'open' AND (district_id = ANY('${Array.isArray(userDistricts) ? `{${userDistricts.join(',')}}` : userDistricts}'::uuid[]) OR (false AND district_id IS NULL)) ORDER BY priority, received_at, id LIMIT 100;
`,
  };
}

function writeResults(scenarios, m, non2xx, pgb, rssMax, rssByPhase, latencies = {}) {
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '—');
  const bare = m.bare.rps;
  const ready = m.ready.rps;
  const rows = scenarios.map((s) => {
    const x = m[s.key];
    const baseline = s.key === 'queue' ? ready : bare;
    const pg = pgb[s.key];
    return `| ${s.name} | ${f(x.rps)} | ${f(x.p50)} | ${f(x.p99)} | ${f(x.stmts, 1)} | ${f(x.nodeMs, 2)} | ${f(x.pgMs, 2)} | ${s.key === 'bare' || s.key === 'ready' ? '1' : f(x.rps / baseline, 2)}${s.key === 'queue' ? ' (of ready)' : s.key === 'bare' || s.key === 'ready' ? '' : ' (of bare)'} | ${f(pg)} | ${Number.isFinite(pg) ? f(x.rps / pg, 2) : '—'} | ${non2xx[s.key]} |`;
  });
  const target = (ok) => (ok ? 'met' : 'NOT met');
  const text = `# Bench results (issue 8)

Generated by \`npm run bench\` (bench/run-all.mjs) on ${new Date().toISOString()}, ${cpus().length} CPUs.
App: \`${APP_DIR}\`. ${ROUNDS} interleaved round(s) × ${SECONDS} s per scenario, ${CONNECTIONS} connections;
medians of the rounds. CPU per request: the app process's utime+stime (/proc) and the bench
database's backends' (/proc), divided by requests. Statements: pg \`Client#query\` calls in the app
(bench/count-statements.mjs), divided by requests (includes idle background work, e.g. pings).
Absolute figures swing with other load on the machine: read the ratios.

| scenario | req/s | p50 ms | p99 ms | statements/req | Node CPU ms/req | PG CPU ms/req | ratio to baseline | pgbench tps (same SQL, one tx) | ratio to pgbench | non-2xx + errors |
|---|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Peak RSS of the app through the whole bench: ${f(rssMax)} MB (by phase: ${Object.entries(rssByPhase)
    .map(([k, v]) => `${k} ${f(v)}`)
    .join(', ')} MB).

Targets (50 connections, ratios within this run):
- Intake ≥ 0.3× bare insert: ${f(m.intake.rps / bare, 2)} — ${target(m.intake.rps / bare >= 0.3)}; p99 < 250 ms: ${f(m.intake.p99)} — ${target(m.intake.p99 < 250)}
- Assignment ≥ 0.3× bare insert: ${f(m.assign.rps / bare, 2)} — ${target(m.assign.rps / bare >= 0.3)}
- Queue (100 of 10,000 open) ≥ 0.5× GET /health/ready: ${f(m.queue.rps / ready, 2)} — ${target(m.queue.rps / ready >= 0.5)}
- RSS < 300 MB: ${f(rssMax)} MB — ${target(rssMax < 300)}

The floor: pgbench of the least SQL that keeps every guarantee for this call (\`intake_floor\`: user
re-read, history read, all writes in one statement) ran ${f(pgb.intake_floor)} tps, ${f(pgb.intake_floor / bare, 2)}× the bare
insert endpoint and ${f(pgb.intake_floor / pgb.bare, 3)}× pgbench's bare insert, in this run.
${Object.entries(latencies)
  .filter(([k]) => k.startsWith('intake'))
  .map(
    ([k, rows]) =>
      `\npgbench -r, \`${k}\` (ms per statement, mean over 50 clients):\n\n| ms | statement |\n|---|---|\n${rows.map((r) => `| ${r.ms.toFixed(3)} | \`${r.text.replaceAll('|', '\\|')}\` |`).join('\n')}\n`,
  )
  .join('')}`;
  // Earlier results stay below as history: the previous run's section first.
  const file = join(here, 'RESULTS.md');
  const notes = existsSync(join(here, 'NOTES.md'))
    ? readFileSync(join(here, 'NOTES.md'), 'utf8').trim()
    : '';
  // bench/NOTES.md (what each statement is for) follows the latest run and is not repeated in
  // the history.
  const previous = (existsSync(file) ? readFileSync(file, 'utf8') : '').replace(notes, '');
  const cut = previous.indexOf('\n## ');
  const previousRun = (cut < 0 ? previous : previous.slice(0, cut)).replace(/^# .*\n/, '').trim();
  const history = cut < 0 ? '' : previous.slice(cut + 1).trim();
  writeFileSync(
    file,
    `${text}${notes ? `\n${notes}\n` : ''}${previousRun ? `\n## The run before this one\n\n${previousRun}\n` : ''}${history ? `\n${history}\n` : ''}`,
  );
  out(text);
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
