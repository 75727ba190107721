import 'reflect-metadata';
import { revertLastMigrationLocked, runMigrationsLocked } from '@app/persistence';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/app.module';
import { cliRuntime, fail } from './cli-runtime';

/** npm run migration:run | migration:revert — the same advisory lock the service takes at start. */
async function main() {
  const action = process.argv[2];
  if (action !== 'run' && action !== 'revert') fail('usage: migrate.js run|revert');
  const { runtime, embedded, log } = await cliRuntime();
  // Migrations run as the owner: DATABASE_MIGRATION_URL when the app's own role is a lesser one.
  const url = runtime.env.DATABASE_MIGRATION_URL ?? runtime.databaseUrl;
  const ds = await new DataSource({
    ...dataSourceOptions(runtime),
    url,
  } as DataSourceOptions).initialize();
  try {
    if (action === 'run') await runMigrationsLocked(ds, log);
    else {
      await revertLastMigrationLocked(ds);
      log('reverted the newest migration');
    }
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((e: unknown) => fail(`migration failed: ${(e as Error).message}`));
