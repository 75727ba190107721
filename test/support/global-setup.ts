import {
  type EmbeddedPostgresHandle,
  startEmbeddedPostgres,
} from '../../libs/persistence/src/index';
import { createTestDatabase, withDatabase } from '../../libs/testing/src/test-database';

/**
 * One fresh database per test run, on DATABASE_URL's server when set, else on an embedded
 * PostgreSQL kept apart from the one `npm start` uses.
 */
export default async function globalSetup(): Promise<void> {
  let adminUrl: string;
  let embedded: EmbeddedPostgresHandle | null = null;
  if (process.env.DATABASE_URL) {
    adminUrl = withDatabase(process.env.DATABASE_URL, 'postgres');
  } else {
    embedded = await startEmbeddedPostgres('.data/test-pg', (m) => process.stderr.write(`${m}\n`));
    adminUrl = embedded.url;
  }
  const db = await createTestDatabase(adminUrl);
  process.env.TEST_ADMIN_DATABASE_URL = adminUrl;
  process.env.TEST_DATABASE_URL = db.url;
  process.env.TEST_DATABASE_NAME = db.name;
  (globalThis as Record<string, unknown>).__testDb = { adminUrl, name: db.name, embedded };
  process.stderr.write(
    `\ntests use database ${db.name} (${embedded ? 'embedded PostgreSQL' : 'DATABASE_URL server'})\n`,
  );
}
