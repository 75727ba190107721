import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import { hasUnstorableCharacters } from './input-limits';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Years an input instant may fall in. Far inside PostgreSQL's timestamptz range (4713 BC to
 * 294276 AD) and JavaScript's Date, so nothing downstream overflows; wide enough for any paper
 * record entered late and any deadline set ahead. A technical bound, not a legal rule.
 */
export const TIMESTAMP_MIN_YEAR = 1900;
export const TIMESTAMP_MAX_YEAR = 2200;
const MIN_INSTANT = Date.UTC(TIMESTAMP_MIN_YEAR, 0, 1);
const MAX_INSTANT = Date.UTC(TIMESTAMP_MAX_YEAR + 1, 0, 1);

/**
 * An ISO-8601 instant with an explicit offset ("2026-11-22T10:00:00+05:00" or "…Z"): a real
 * calendar date (no 30 February), no week dates, no local times that would be read in the
 * server's zone, within years TIMESTAMP_MIN_YEAR..TIMESTAMP_MAX_YEAR (UTC).
 */
export function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const m = TIMESTAMP.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(
    Number,
  );
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (m[8] && (Number(m[9]) > 14 || Number(m[10]) > 59)) return false;
  const instant = Date.parse(value);
  return !Number.isNaN(instant) && instant >= MIN_INSTANT && instant < MAX_INSTANT;
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO-8601 timestamp with an offset between the years ${TIMESTAMP_MIN_YEAR} and ${TIMESTAMP_MAX_YEAR}, e.g. 2026-11-22T10:00:00+05:00`,
      },
    },
    options,
  );
}

/** Optional, but when present must be valid: null is refused, not taken for "absent". */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/**
 * The path of the first string (key or value) holding a character the database cannot store.
 * Iterative: safe on any depth.
 */
export function findUnstorableString(value: unknown, root = ''): string | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: root }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (hasUnstorableCharacters(v)) return path || 'body';
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i] as unknown, path: `${path}[${i}]` });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        const here = path ? `${path}.${key}` : key;
        if (hasUnstorableCharacters(key)) return here;
        stack.push({ value: child, path: here });
      }
    }
  }
  return null;
}
