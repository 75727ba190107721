// Does a login for an unknown user take as long as one with a wrong password? Alternates the two
// (and a right password, for scale) against a built service on a fresh database, and prints
// medians. Needs `npm run build` and a PostgreSQL server:
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/login-timing.mjs
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';

const require = createRequire(import.meta.url);
const { Client } = require('pg');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const PORT = 3991;
const PASSWORD = 'Bench-Password-2026';
const out = (line) => process.stdout.write(`${line}\n`);

async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const name = `bench_login_test_${Date.now()}`;
  await admin(`CREATE DATABASE "${name}"`);
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const server = spawn(process.execPath, ['dist/src/main.js'], {
    env: {
      ...process.env,
      PORT: String(PORT),
      DATABASE_URL: u.toString(),
      JWT_SECRET: 'bench-secret-bench-secret-bench-secret-42',
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'true',
      DEMO_PASSWORD: PASSWORD,
      TRUST_PROXY: 'true',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`http://127.0.0.1:${PORT}/api/v1/health/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 120) throw new Error('service did not become ready');
      await sleep(500);
    }
    const times = { unknown: [], wrong: [], right: [] };
    const bodies = { unknown: new Set(), wrong: new Set() };
    for (let i = 0; i < ROUNDS; i++) {
      for (const kind of ['unknown', 'wrong', 'right']) {
        const username =
          kind === 'unknown' ? `nobody.${i}` : kind === 'wrong' ? 'supervisor' : 'dispatcher';
        const password = kind === 'right' ? PASSWORD : `Wrong-Password-${i}`;
        const t0 = process.hrtime.bigint();
        const res = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
          method: 'POST',
          // A fresh address per attempt keeps the per-address limit out of the measurement.
          headers: {
            'content-type': 'application/json',
            'x-forwarded-for': `10.99.${i}.${kind.length}`,
          },
          body: JSON.stringify({ username, password }),
        });
        const text = await res.text();
        times[kind].push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (kind !== 'right') bodies[kind].add(`${res.status} ${text}`);
      }
    }
    for (const kind of ['unknown', 'wrong', 'right']) {
      out(
        `${kind.padEnd(8)} median ${median(times[kind]).toFixed(1)} ms  min ${Math.min(...times[kind]).toFixed(1)}  max ${Math.max(...times[kind]).toFixed(1)}  (n=${ROUNDS})`,
      );
    }
    out(`ratio unknown/wrong medians: ${(median(times.unknown) / median(times.wrong)).toFixed(3)}`);
    out(
      `distinct bodies: unknown ${[...bodies.unknown].join(' | ')} ; wrong ${[...bodies.wrong].join(' | ')}`,
    );
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
