import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrivateCluster } from './cluster';
import { assertBuilt, ServiceProcess } from './processes';

/**
 * One fault test's world: a private PostgreSQL cluster in a temporary folder, a fresh database on
 * it, and the service's processes (built app, child processes) with their logs beside it. On a
 * failure the tail of every log is printed; FAULTS_KEEP=1 keeps the folder.
 */
export class FaultEnv {
  readonly dir: string;
  cluster!: PrivateCluster;
  databaseUrl!: string;
  readonly services: ServiceProcess[] = [];

  private constructor(readonly name: string) {
    this.dir = mkdtempSync(join(tmpdir(), `qorgau-faults-${name}-`));
  }

  static async create(name: string): Promise<FaultEnv> {
    assertBuilt();
    const env = new FaultEnv(name);
    env.cluster = await PrivateCluster.create(env.dir);
    env.databaseUrl = await env.cluster.createDatabase(`faults_test_${name.replace(/\W/g, '_')}`);
    return env;
  }

  service(name: string, kind: 'api' | 'worker', extra?: Record<string, string>): ServiceProcess {
    const s = new ServiceProcess(name, kind, {
      databaseUrl: this.databaseUrl,
      logDir: this.dir,
      extra,
    });
    this.services.push(s);
    return s;
  }

  /** Runs the test body; on failure prints the logs' tails before rethrowing. */
  async run<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      process.stderr.write(`\n${this.name} failed; logs in ${this.dir}\n`);
      for (const s of this.services) process.stderr.write(`${s.tail()}\n`);
      const pgLog = join(this.dir, 'postgres.log');
      if (existsSync(pgLog)) {
        const lines = readFileSync(pgLog, 'utf8').split('\n').slice(-20).join('\n');
        process.stderr.write(`----- postgres.log (last 20 lines) -----\n${lines}\n`);
      }
      this.failed = true;
      throw error;
    }
  }

  private failed = false;

  /**
   * Client connections PostgreSQL saw vanish inside an open transaction (its log says so): how
   * many kills landed mid-transaction.
   */
  transactionsCut(): number {
    const pgLog = join(this.dir, 'postgres.log');
    if (!existsSync(pgLog)) return 0;
    return (
      readFileSync(pgLog, 'utf8').split(
        'unexpected EOF on client connection with an open transaction',
      ).length - 1
    );
  }

  async close(): Promise<void> {
    for (const s of this.services) await s.kill('SIGKILL').catch(() => undefined);
    await this.cluster?.close();
    if (!this.failed && !process.env.FAULTS_KEEP)
      rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The one line a fault test leaves for the record (the lead quotes it). */
export function summary(line: Record<string, unknown>): void {
  process.stdout.write(`FAULT-SUMMARY ${JSON.stringify(line)}\n`);
}
