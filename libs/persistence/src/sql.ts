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
