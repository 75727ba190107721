import { DomainError } from './domain-error';

/**
 * Technical bounds on the shape of any input (JSON body, NDJSON line, query string), checked
 * before validation, class-transformer, the idempotency fingerprint or any other recursive code
 * sees it. Far above anything a legitimate request carries; DTOs set the real, tighter limits.
 */
export const INPUT_LIMITS = {
  /** Objects and arrays nested inside each other. */
  maxDepth: 32,
  /** Values of every kind, counted over the whole input. */
  maxNodes: 10_000,
  maxArrayLength: 1_000,
  maxKeysPerObject: 200,
  maxKeyLength: 200,
  /** Characters (UTF-16 code units); transcripts and report texts are at most 20,000. */
  maxStringLength: 100_000,
} as const;

/** `@RouteConfig(NDJSON_ROUTE)` marks the routes that take an application/x-ndjson body. */
export const NDJSON_ROUTE = { ndjson: true } as const;

/**
 * Keys that are not data: `__proto__`/`constructor`/`prototype` (prototype pollution) and
 * every name `Object.prototype` carries, which class-validator's whitelist mistakes for known
 * properties (it looks names up in a plain object), so they would pass the unknown-field check.
 */
const FORBIDDEN_KEYS = new Set<string>([
  '__proto__',
  'constructor',
  'prototype',
  ...Object.getOwnPropertyNames(Object.prototype),
]);

/** NUL and unpaired surrogates: PostgreSQL cannot store them in text or jsonb. */
const BAD_CHARACTERS =
  // eslint-disable-next-line no-control-regex -- matching NUL is the point
  /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasUnstorableCharacters(text: string): boolean {
  return BAD_CHARACTERS.test(text);
}

const MAX_FIELD_CHARS = 120;

/** A field path short enough to quote in an error body. */
export function boundedField(path: string): string {
  return path.length <= MAX_FIELD_CHARS ? path : `${path.slice(0, MAX_FIELD_CHARS)}…`;
}

function tooComplex(field: string, rule: string, message: string): DomainError {
  const named = boundedField(field || 'body');
  return new DomainError('INPUT_TOO_COMPLEX', 'validation', `${named} ${message}`, [
    { field: named, code: rule, message: `${named} ${message}` },
  ]);
}

/**
 * Raw JSON deeper than this is refused before JSON.parse builds it. Between maxDepth and this,
 * the walk over the parsed value refuses it and names the field.
 */
const RAW_MAX_DEPTH = INPUT_LIMITS.maxDepth * 8;

/**
 * Nesting depth and value count of JSON text, counted over the raw bytes without parsing (and so without
 * recursion): structural characters are ASCII, and UTF-8 continuation bytes never are.
 * Throws INPUT_TOO_COMPLEX past RAW_MAX_DEPTH or maxNodes values, so JSON.parse never builds
 * a huge value only to have it refused. Malformed text is left to JSON.parse.
 */
export function assertRawJsonBounds(raw: Buffer | string): void {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw;
  let depth = 0;
  let commas = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > RAW_MAX_DEPTH) {
        throw tooComplex(
          'body',
          'maxDepth',
          `is nested deeper than ${INPUT_LIMITS.maxDepth} levels`,
        );
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === 0x2c /* , */) {
      // Every comma separates two values: more than maxNodes of them cannot pass the walk.
      commas++;
      if (commas >= INPUT_LIMITS.maxNodes) {
        throw tooComplex('body', 'maxNodes', `holds more than ${INPUT_LIMITS.maxNodes} values`);
      }
    }
  }
}

function childPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/**
 * Walks a parsed value iteratively (no recursion, whatever its depth) and throws a 400 at the
 * first breach: depth, node count, array length, keys per object, key or string length, a
 * forbidden key (named as an unknown field) or a character the database cannot store.
 */
export function assertInputShape(value: unknown, root = ''): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value, path: root, depth: 0 },
  ];
  let nodes = 0;
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    nodes++;
    if (nodes > INPUT_LIMITS.maxNodes) {
      throw tooComplex(root, 'maxNodes', `holds more than ${INPUT_LIMITS.maxNodes} values`);
    }
    if (typeof v === 'string') {
      if (v.length > INPUT_LIMITS.maxStringLength) {
        throw tooComplex(
          path,
          'maxLength',
          `is longer than ${INPUT_LIMITS.maxStringLength} characters`,
        );
      }
      if (hasUnstorableCharacters(v)) throw unstorable(path);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= INPUT_LIMITS.maxDepth) {
      throw tooComplex(path, 'maxDepth', `is nested deeper than ${INPUT_LIMITS.maxDepth} levels`);
    }
    if (Array.isArray(v)) {
      if (v.length > INPUT_LIMITS.maxArrayLength) {
        throw tooComplex(path, 'maxItems', `has more than ${INPUT_LIMITS.maxArrayLength} items`);
      }
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] as unknown, path: `${path}[${i}]`, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > INPUT_LIMITS.maxKeysPerObject) {
      throw tooComplex(path, 'maxKeys', `has more than ${INPUT_LIMITS.maxKeysPerObject} fields`);
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      if (key.length > INPUT_LIMITS.maxKeyLength) {
        throw tooComplex(
          path,
          'maxKeyLength',
          `has a field name longer than ${INPUT_LIMITS.maxKeyLength} characters`,
        );
      }
      const here = childPath(path, key);
      if (hasUnstorableCharacters(key)) throw unstorable(here);
      if (FORBIDDEN_KEYS.has(key)) throw unknownField(here);
      stack.push({ value: (v as Record<string, unknown>)[key], path: here, depth: depth + 1 });
    }
  }
}

export function unknownField(path: string): DomainError {
  const field = boundedField(path);
  return new DomainError('VALIDATION_FAILED', 'validation', `Invalid request: ${field}`, [
    { field, code: 'unknownField', message: `${field} is not an accepted field` },
  ]);
}

function unstorable(path: string): DomainError {
  const field = boundedField(path || 'body');
  return DomainError.validation(
    field,
    'INVALID_CHARACTERS',
    `${field} contains characters that cannot be stored`,
  );
}

/**
 * JSON text to a value, bounded: depth is checked on the raw bytes before JSON.parse, the
 * parsed value's shape right after. Throws MALFORMED_JSON (400) or the bound it breaks.
 */
export function parseBoundedJson(raw: Buffer | string): unknown {
  assertRawJsonBounds(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new DomainError('MALFORMED_JSON', 'validation', 'Request body is not valid JSON');
  }
  assertInputShape(parsed);
  return parsed;
}
