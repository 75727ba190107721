import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from '@app/persistence';
import { type EnvironmentSchema } from './app-config';
import { type Runtime } from './runtime';

export const QAMQOR_DISABLED_WARNING = 'qamqor intake disabled: set QAMQOR_HMAC_SECRET';

/**
 * A secret generated once into `DATA_DIR/<file>` (mode 0600) and read back on later starts, so
 * the embedded demo keeps working across restarts without anything to configure.
 */
export function keptSecret(
  dataDir: string,
  file: string,
  name: string,
  log: (message: string) => void,
): string {
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600 });
    log(`${name} is not set: generated one and kept it in ${path}`);
  }
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8').trim();
}

/**
 * With DATABASE_URL: that PostgreSQL. Without: an embedded one under DATA_DIR, and kept JWT and
 * qamqor secrets. `warn` hears, once, about a capability that is switched off by configuration.
 */
export async function resolveRuntime(
  env: EnvironmentSchema,
  log: (message: string) => void,
  warn: (message: string) => void = log,
): Promise<{ runtime: Runtime; embedded: EmbeddedPostgresHandle | null }> {
  if (env.DATABASE_URL) {
    if (!env.QAMQOR_HMAC_SECRET) warn(QAMQOR_DISABLED_WARNING);
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
  const jwtSecret = env.JWT_SECRET ?? keptSecret(dataDir, 'jwt-secret', 'JWT_SECRET', log);
  const withSecrets: EnvironmentSchema = {
    ...env,
    QAMQOR_HMAC_SECRET:
      env.QAMQOR_HMAC_SECRET ??
      keptSecret(dataDir, 'qamqor-hmac-secret', 'QAMQOR_HMAC_SECRET', log),
  };
  return {
    runtime: { env: withSecrets, databaseUrl: embedded.url, embedded: true, jwtSecret },
    embedded,
  };
}
