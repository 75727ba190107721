import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Refuses any database whose name does not say it is a test database. */
export function assertTestDatabaseName(name: string): void {
  if (!/test/i.test(name)) {
    throw new Error(
      `Refusing to run tests against database "${name}": its name must contain "test"`,
    );
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates a fresh, empty database on the server of `adminUrl`, named so that it is obviously a test one. */
export async function createTestDatabase(
  adminUrl: string,
  prefix = 'dispatch_test',
): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString('hex')}`;
  assertTestDatabaseName(name);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  return { name, url: withDatabase(adminUrl, name) };
}

export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
