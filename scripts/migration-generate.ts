import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { runMigrationsLocked } from '@app/persistence';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from '../src/app.module';
import { ormEntities } from '../src/orm-entities';
import { cliRuntime, fail } from './cli-runtime';

/**
 * npm run migration:generate -- <name>: diffs the entities against a migrated database and writes
 * the difference as a new migration for review. Most schema here is hand-written SQL (triggers,
 * partial indexes), so read what it writes before committing it.
 */
async function main() {
  const name = process.argv[2];
  if (!name || !/^[A-Za-z][A-Za-z0-9]*$/.test(name))
    fail('usage: npm run migration:generate -- <PascalCaseName>');
  const { runtime, embedded, log } = await cliRuntime();
  const ds = await new DataSource({
    ...dataSourceOptions(runtime),
    entities: ormEntities,
  } as DataSourceOptions).initialize();
  try {
    await runMigrationsLocked(ds, log);
    const sql = await ds.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      log('no changes between the entities and the schema');
      return;
    }
    const ts = Date.now();
    const q = (s: string) => JSON.stringify(s);
    const up = sql.upQueries.map((x) => `    await q.query(${q(x.query)});`).join('\n');
    const down = [...sql.downQueries]
      .reverse()
      .map((x) => `    await q.query(${q(x.query)});`)
      .join('\n');
    const file = `migrations/${ts}-${name.replace(/[A-Z]/g, (c, i) => (i ? '-' : '') + c.toLowerCase())}.ts`;
    writeFileSync(
      file,
      `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${name}${ts} implements MigrationInterface {\n  name = '${name}${ts}';\n\n  async up(q: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(q: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    log(`wrote ${file}; add it to migrations/index.ts after review`);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

main().catch((e: unknown) => fail(`migration generation failed: ${(e as Error).message}`));
