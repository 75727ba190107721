import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './cluster';

// Jest runs from the project root (npm run test:faults), where dist/ is.
const ROOT = resolve(process.cwd());
export const DEMO_PASSWORD = 'Faults-Demo-Password-2026';

/** The built service (npm run build): fault tests run what production runs, as child processes. */
export function assertBuilt(): void {
  for (const f of ['dist/src/main.js', 'dist/src/worker.js']) {
    if (!existsSync(join(ROOT, f))) {
      throw new Error(`${f} is missing: run "npm run build" first (npm run test:faults does)`);
    }
  }
}

export interface ServiceEnv {
  databaseUrl: string;
  logDir: string;
  extra?: Record<string, string>;
}

/** One API or worker process, restartable under the same name, port and log file. */
export class ServiceProcess {
  child: ChildProcess | null = null;
  port = 0;
  starts = 0;
  private exited: Promise<void> = Promise.resolve();
  readonly logFile: string;

  constructor(
    readonly name: string,
    readonly kind: 'api' | 'worker',
    private readonly env: ServiceEnv,
  ) {
    this.logFile = join(env.logDir, `${name}.log`);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  /** Starts the process and waits until it serves (API: /health/ready 200; worker: its ready line). */
  async start(timeoutMs = 60_000): Promise<number> {
    if (this.kind === 'api' && this.port === 0) this.port = await freePort();
    const t0 = performance.now();
    const log = createWriteStream(this.logFile, { flags: 'a' });
    log.write(`\n===== start #${++this.starts} =====\n`);
    const child = spawn(
      process.execPath,
      [this.kind === 'api' ? 'dist/src/main.js' : 'dist/src/worker.js'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          NODE_ENV: 'production',
          DATABASE_URL: this.env.databaseUrl,
          PORT: String(this.port || 3000),
          JWT_SECRET: 'faults-jwt-secret-that-is-long-enough-0123456789',
          QAMQOR_HMAC_SECRET: 'faults-hmac-secret-that-is-long-enough-0123456789',
          DEMO_PASSWORD,
          SEED_DEMO: this.kind === 'api' ? 'true' : 'false',
          LOG_LEVEL: 'info',
          DB_POOL_SIZE: '10',
          ...this.env.extra,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    let ready = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (this.kind === 'worker' && chunk.toString().includes('worker ready')) ready = true;
    });
    child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
    this.exited = new Promise((resolveExit) =>
      child.once('exit', (code, signal) => {
        log.end(`\n===== exit code=${code} signal=${signal} =====\n`);
        if (this.child === child) this.child = null;
        resolveExit();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child !== child) throw new Error(`${this.name} exited during start-up`);
      if (this.kind === 'worker' && ready) return (performance.now() - t0) / 1000;
      if (this.kind === 'api') {
        try {
          const r = await fetch(`${this.baseUrl}/health/ready`, {
            signal: AbortSignal.timeout(2000),
          });
          if (r.status === 200) return (performance.now() - t0) / 1000;
        } catch {
          // not listening yet
        }
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not become ready within ${timeoutMs} ms`);
  }

  /** SIGKILL: no drain, no shutdown hook, whatever is in flight is cut. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill(signal);
    await this.exited;
  }

  get running(): boolean {
    return this.child !== null;
  }

  tail(lines = 40): string {
    if (!existsSync(this.logFile)) return `(${this.name}: no log)`;
    const all = readFileSync(this.logFile, 'utf8').split('\n');
    return `----- ${this.name} (last ${lines} lines of ${this.logFile}) -----\n${all.slice(-lines).join('\n')}`;
  }
}
