import { DomainError } from './domain-error';
import {
  assertInputShape,
  assertRawJsonBounds,
  INPUT_LIMITS,
  parseBoundedJson,
} from './input-limits';
import { findUnstorableString } from './validators';

function refusal(run: () => unknown): { code: string; field?: string; rule?: string } {
  try {
    run();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, field: error.details?.[0]?.field, rule: error.details?.[0]?.code };
  }
  throw new Error('expected a refusal');
}

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

describe('input limits', () => {
  it('counts depth on raw bytes, ignoring brackets inside strings and escaped quotes', () => {
    const fine = `{"a":"${'['.repeat(10_000)}\\"${'{'.repeat(10_000)}","b":[[1]]}`;
    expect(() => assertRawJsonBounds(fine)).not.toThrow();
    expect(parseBoundedJson(fine)).toMatchObject({ b: [[1]] });
    expect(refusal(() => assertRawJsonBounds('['.repeat(300_000)))).toMatchObject({
      code: 'INPUT_TOO_COMPLEX',
      field: 'body',
      rule: 'maxDepth',
    });
  });

  it('counts values on raw bytes before parsing, ignoring commas inside strings', () => {
    expect(
      refusal(() => assertRawJsonBounds(`[${'1,'.repeat(INPUT_LIMITS.maxNodes)}1]`)),
    ).toMatchObject({
      code: 'INPUT_TOO_COMPLEX',
      field: 'body',
      rule: 'maxNodes',
    });
    expect(() => assertRawJsonBounds(`{"a":"${','.repeat(50_000)}"}`)).not.toThrow();
  });

  it('names the field nested just past the depth bound', () => {
    const raw = `{"x":{"y":${'['.repeat(INPUT_LIMITS.maxDepth)}${']'.repeat(INPUT_LIMITS.maxDepth)}}}`;
    const r = refusal(() => parseBoundedJson(raw));
    expect(r).toMatchObject({ code: 'INPUT_TOO_COMPLEX', rule: 'maxDepth' });
    expect(r.field).toMatch(/^x\.y\[0\]/);
    expect(() =>
      parseBoundedJson(
        `{"x":${'['.repeat(INPUT_LIMITS.maxDepth - 1)}${']'.repeat(INPUT_LIMITS.maxDepth - 1)}}`,
      ),
    ).not.toThrow();
  });

  it.each([
    [
      'array length',
      { list: new Array(INPUT_LIMITS.maxArrayLength + 1).fill(1) },
      'maxItems',
      'list',
    ],
    [
      'keys per object',
      Object.fromEntries(
        Array.from({ length: INPUT_LIMITS.maxKeysPerObject + 1 }, (_, i) => [`k${i}`, i]),
      ),
      'maxKeys',
      'body',
    ],
    ['key length', { ['k'.repeat(INPUT_LIMITS.maxKeyLength + 1)]: 1 }, 'maxKeyLength', 'body'],
    ['string length', { s: 'x'.repeat(INPUT_LIMITS.maxStringLength + 1) }, 'maxLength', 's'],
    [
      'total values',
      { a: Array.from({ length: 20 }, () => new Array(INPUT_LIMITS.maxArrayLength).fill(0)) },
      'maxNodes',
      'body',
    ],
  ])('bounds %s', (_label, value, rule, field) => {
    expect(refusal(() => assertInputShape(value))).toMatchObject({
      code: 'INPUT_TOO_COMPLEX',
      rule,
      field,
    });
  });

  it.each(['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', '__defineGetter__'])(
    'refuses a key named %s as an unknown field, wherever it is',
    (key) => {
      expect(refusal(() => parseBoundedJson(`{"ok":1,"${key}":{}}`))).toMatchObject({
        code: 'VALIDATION_FAILED',
        field: key,
        rule: 'unknownField',
      });
      expect(refusal(() => parseBoundedJson(`{"a":[{"${key}":1}]}`))).toMatchObject({
        field: `a[0].${key}`,
      });
    },
  );

  it('walks any depth without recursion', () => {
    const deep = nested(200_000);
    expect(findUnstorableString(deep)).toBeNull();
    expect(refusal(() => assertInputShape(deep)).rule).toBe('maxDepth');
  });

  it('refuses unstorable characters in keys and values', () => {
    expect(refusal(() => parseBoundedJson('{"a":["ok","x\\u0000"]}'))).toMatchObject({
      code: 'INVALID_CHARACTERS',
      field: 'a[1]',
    });
    expect(refusal(() => parseBoundedJson('{"\\ud800":1}'))).toMatchObject({
      code: 'INVALID_CHARACTERS',
    });
  });

  it('answers malformed text with MALFORMED_JSON', () => {
    expect(refusal(() => parseBoundedJson('{"a":1,}')).code).toBe('MALFORMED_JSON');
  });
});
