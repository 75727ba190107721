import { type DataSource } from 'typeorm';

/** Arbitrary but fixed: every instance of this service takes the same advisory lock. */
export const MIGRATION_LOCK_KEY = 7_102_2020;

/**
 * Applies pending migrations under a session-level advisory lock, so several instances starting
 * at once against one database apply each migration exactly once; the others wait, then find
 * nothing to do.
 */
export async function runMigrationsLocked(
  dataSource: DataSource,
  log: (message: string) => void,
): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      const names = applied.map((m) => m.name);
      log(
        names.length ? `migrations applied: ${names.join(', ')}` : 'migrations: schema up to date',
      );
      return names;
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

export async function revertLastMigrationLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.undoLastMigration({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}
