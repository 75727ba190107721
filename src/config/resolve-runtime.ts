import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '@app/persistence';
import { type EnvironmentSchema } from './app-config';
import { type Runtime } from './runtime';

/** With DATABASE_URL: that PostgreSQL. Without: an embedded one under DATA_DIR, and a kept JWT secret. */
export async function resolveRuntime(
  env: EnvironmentSchema,
  log: (message: string) => void,
): Promise<{ runtime: Runtime; embedded: EmbeddedPostgresHandle | null }> {
  if (env.DATABASE_URL) {
    return {
      runtime: {
        env,
        databaseUrl: env.DATABASE_URL,
        embedded: false,
        jwtSecret: env.JWT_SECRET as string,
      },
      embedded: null,
    };
  }
  const dataDir = resolve(env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const started = Date.now();
  log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${join(dataDir, 'pg')})`);
  const embedded = await startEmbeddedPostgres(join(dataDir, 'pg'), log);
  log(`embedded PostgreSQL ready on 127.0.0.1:${embedded.port} in ${Date.now() - started} ms`);
  let jwtSecret = env.JWT_SECRET;
  if (!jwtSecret) {
    const file = join(dataDir, 'jwt-secret');
    if (!existsSync(file)) {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
      log(`JWT_SECRET is not set: generated one and kept it in ${file}`);
    }
    chmodSync(file, 0o600);
    jwtSecret = readFileSync(file, 'utf8').trim();
  }
  return { runtime: { env, databaseUrl: embedded.url, embedded: true, jwtSecret }, embedded };
}
