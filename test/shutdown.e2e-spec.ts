import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createTestDatabase, dropTestDatabase } from '@app/testing';
import { TEST_JWT_SECRET } from './support/test-app';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

type Outcome = { status: number } | { error: string };

/** One login (argon2 makes it slow enough to be in flight when the signal arrives). */
function slowRequest(port: number, n: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ username: `nobody.${n}`, password: 'Not-The-Password-1' });
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/v1/auth/login',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}

describe('SIGTERM with DATABASE_URL drains the requests in flight, then exits 0', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let db: { name: string; url: string };
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    // The built service is what production runs; build it once for this file.
    execFileSync('npx', ['nest', 'build'], { cwd: process.cwd(), stdio: 'ignore' });
    db = await createTestDatabase(adminUrl(), 'shutdown_test');
  }, 240_000);
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await dropTestDatabase(adminUrl(), db.name);
  });

  it('completes every request received before the signal and exits with code 0', async () => {
    const port = await freePort();
    const proc = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: String(port),
        LOG_LEVEL: 'info',
        SEED_DEMO: 'false',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, signal) => resolve({ code, signal })),
    );
    for (let i = 0; i < 600 && !output.includes('listening on http'); i++) {
      if (proc.exitCode !== null) throw new Error(`service exited at start-up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('listening on http');

    const inFlight = Array.from({ length: 8 }, (_, i) => slowRequest(port, i));
    // Let the server take them in, then stop it while (argon2-bound) logins are still running.
    await new Promise((r) => setTimeout(r, 150));
    proc.kill('SIGTERM');
    const outcomes = await Promise.all(inFlight);
    const exit = await exited;

    if (outcomes.some((o) => 'error' in o)) process.stderr.write(output);
    expect(outcomes.filter((o) => 'error' in o)).toEqual([]);
    for (const o of outcomes) expect((o as { status: number }).status).toBe(401);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toContain('shutting down: draining requests');
  }, 120_000);

  it('the worker, too, closes and exits 0 on SIGTERM', async () => {
    const proc = spawn(process.execPath, ['dist/src/worker.js'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'info',
        // The worker writes checkpoints: of this test database, never into `npm start`'s folder.
        CHECKPOINT_DIR: join(tmpdir(), `qorgau-checkpoints-${db.name}`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let output = '';
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, signal) => resolve({ code, signal })),
    );
    for (let i = 0; i < 600 && !output.includes('worker ready'); i++) {
      if (proc.exitCode !== null) throw new Error(`worker exited at start-up:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output).toContain('worker shutting down');
  }, 120_000);
});
