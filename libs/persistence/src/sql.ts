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
 * A statement prepared once per connection under `name` (PostgreSQL then reuses its plan): for
 * hot statements whose planning costs more than their execution. Inside a transaction it runs on
 * the transaction's connection; elsewhere it falls back to an ordinary query. The name must be
 * unique to the text: bump it when the text changes.
 */
export async function preparedQuery<T>(
  db: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const client = (db.queryRunner as unknown as { databaseConnection?: PgClientLike } | undefined)
    ?.databaseConnection;
  if (!client || typeof client.query !== 'function' || !db.queryRunner?.isTransactionActive)
    return (await db.query(text, values)) as T[];
  return (await client.query({ name, text, values })).rows as T[];
}
