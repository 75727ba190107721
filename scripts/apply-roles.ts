import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * The deployment step after migrations (docker-compose's migrate job): runs deploy/roles.sql as the
 * owner (DATABASE_MIGRATION_URL) and, when APP_DB_PASSWORD is given, sets the app role's password,
 * so the API and workers can connect as `dispatch_app`, which may only INSERT and SELECT on the
 * event store and the logs. Idempotent: run it after every migration run.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_MIGRATION_URL;
  if (!url) fail('apply-roles: DATABASE_MIGRATION_URL (the owner) is required');
  const sql = readFileSync(join(process.cwd(), 'deploy', 'roles.sql'), 'utf8');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    const password = process.env.APP_DB_PASSWORD;
    if (password) {
      if (password.length < 16) fail('apply-roles: APP_DB_PASSWORD must be at least 16 characters');
      const [{ statement }] = (
        await client.query(
          `SELECT format('ALTER ROLE dispatch_app PASSWORD %L', $1::text) AS statement`,
          [password],
        )
      ).rows as Array<{ statement: string }>;
      await client.query(statement);
    }
    process.stderr.write(
      `apply-roles: dispatch_app granted${password ? ' and its password set' : ''}\n`,
    );
  } finally {
    await client.end();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main().catch((e: unknown) => fail(`apply-roles failed: ${(e as Error).message}`));
