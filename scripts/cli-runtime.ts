import { type EmbeddedPostgresHandle } from '@app/persistence';
import { createRootLogger } from '../src/common/logger';
import { environmentOrExit, type EnvironmentSchema } from '../src/config/app-config';
import { resolveRuntime } from '../src/config/resolve-runtime';
import { type Runtime } from '../src/config/runtime';

/** Shared start of the command-line tools: validated config, the same database `npm start` uses. */
export async function cliRuntime(): Promise<{
  env: EnvironmentSchema;
  runtime: Runtime;
  embedded: EmbeddedPostgresHandle | null;
  log: (m: string) => void;
}> {
  const env = environmentOrExit();
  const logger = createRootLogger(env.LOG_LEVEL === 'info' ? 'warn' : env.LOG_LEVEL);
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const { runtime, embedded } = await resolveRuntime(env, (m) => logger.info(m));
  return { env, runtime, embedded, log };
}

export function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
