import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * An ISO-8601 instant with an explicit offset ("2026-11-22T10:00:00+05:00" or "…Z"): a real
 * calendar date (no 30 February), no week dates, no local times that would be read in the
 * server's zone.
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
  return !Number.isNaN(Date.parse(value));
}

export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be an ISO-8601 timestamp with an offset, e.g. 2026-11-22T10:00:00+05:00`,
      },
    },
    options,
  );
}

/** Optional, but when present must be valid: null is refused, not taken for "absent". */
export const IsOptionalNotNull = () => ValidateIf((_object, value) => value !== undefined);

/** NUL and unpaired surrogates: PostgreSQL cannot store them in text or jsonb. */
const BAD_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching NUL is the point
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (key or value) holding a character the database cannot store. */
export function findUnstorableString(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return BAD_CHARACTERS.test(value) ? path || 'body' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorableString(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (BAD_CHARACTERS.test(key)) return here;
      const found = findUnstorableString(child, here);
      if (found) return found;
    }
  }
  return null;
}
