import { type EntityManager } from 'typeorm';

/**
 * The rows of any statement. TypeORM's postgres driver answers UPDATE and DELETE with
 * [rows, rowCount] but everything else with rows; this evens that out for `... RETURNING`.
 */
export async function rowsOf<T>(
  db: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result = (await db.query(sql, params)) as unknown;
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

interface PgClientLike {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A statement prepared once per connection under `name` (PostgreSQL then parses it once, and
 * reuses its plan when that pays): for hot statements, whose parse and plan cost as much as their
 * execution. Inside a transaction it runs on the transaction's connection; elsewhere on any pooled
 * connection (pg prepares it on each connection at first use). The name must be unique to the
 * text: bump it when the text changes, and never build it from input.
 */
export async function preparedQuery<T>(
  db: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const runner = db.queryRunner;
  if (runner?.isTransactionActive) {
    const client = (runner as unknown as { databaseConnection?: PgClientLike }).databaseConnection;
    if (client && typeof client.query === 'function')
      return (await client.query({ name, text, values })).rows as T[];
    return (await db.query(text, values)) as T[];
  }
  if (!runner) {
    const pool = (db.connection?.driver as unknown as { master?: PgClientLike } | undefined)
      ?.master;
    if (pool && typeof pool.query === 'function')
      return (await pool.query({ name, text, values })).rows as T[];
  }
  return (await db.query(text, values)) as T[];
}
