import { DomainError, type ErrorDetail } from '../../../common/domain-error';
import { type RuleValue } from './rule-set';

const KEY = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
const MAX_KEYS = 200;
const ALLOWED = new Set(['value', 'unit', 'citation', 'confidence']);

/**
 * Checks the values of a new rule-set version: every key named sensibly, every value a number,
 * text or boolean with a citation (and an optional unit and confidence). Names each bad field.
 */
export function parseRuleValues(input: Record<string, unknown>): Record<string, RuleValue> {
  const details: ErrorDetail[] = [];
  const bad = (field: string, code: string, message: string) => {
    if (details.length < 10) details.push({ field, code, message });
  };
  const entries = Object.entries(input);
  if (entries.length > MAX_KEYS) bad('values', 'TOO_MANY_VALUES', `at most ${MAX_KEYS} values`);
  const out: Record<string, RuleValue> = {};
  for (const [key, raw] of entries.slice(0, MAX_KEYS)) {
    const field = KEY.test(key) ? `values.${key}` : 'values';
    if (!KEY.test(key)) {
      bad(field, 'INVALID_KEY', 'a value key must be letters, digits, . _ - (at most 100)');
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      bad(field, 'INVALID_VALUE', `${field} must be an object {value, unit?, citation}`);
      continue;
    }
    const v = raw as Record<string, unknown>;
    const unknown = Object.keys(v).find((k) => !ALLOWED.has(k));
    if (unknown) bad(`${field}`, 'unknownField', `${field} has a field that is not accepted`);
    const value = v.value;
    if (!(
      (typeof value === 'number' && Number.isFinite(value)) ||
      typeof value === 'boolean' ||
      (typeof value === 'string' && value.length > 0 && value.length <= 500)
    ))
      bad(`${field}.value`, 'INVALID_VALUE', `${field}.value must be a number, text or boolean`);
    if (typeof v.citation !== 'string' || v.citation.trim().length < 5 || v.citation.length > 1000)
      bad(
        `${field}.citation`,
        'CITATION_REQUIRED',
        `${field}.citation is required (5–1000 characters)`,
      );
    if (v.unit !== undefined && (typeof v.unit !== 'string' || v.unit.length > 30))
      bad(`${field}.unit`, 'INVALID_VALUE', `${field}.unit must be short text`);
    if (v.confidence !== undefined && !['H', 'M', 'L'].includes(v.confidence as string))
      bad(`${field}.confidence`, 'INVALID_VALUE', `${field}.confidence must be H, M or L`);
    out[key] = {
      value: value as RuleValue['value'],
      citation: String(v.citation ?? '').trim(),
      ...(v.unit !== undefined ? { unit: v.unit as string } : {}),
      ...(v.confidence !== undefined ? { confidence: v.confidence as 'H' | 'M' | 'L' } : {}),
    };
  }
  if (details.length > 0)
    throw new DomainError(
      'VALIDATION_FAILED',
      'validation',
      `Invalid request: ${[...new Set(details.map((d) => d.field))].join(', ')}`,
      details,
    );
  return out;
}

/** How far ahead a new version may start: a typo in the year would otherwise freeze the kind. */
export const MAX_VALID_FROM_AHEAD_DAYS = 730;

/**
 * A new version may change values, not their nature: every key must exist in the version it
 * replaces (new keys come with the code that reads them), keep its type, stay a whole number if
 * it was one, never go negative, and keep every `…min…`/`…max…` pair of the same name in order.
 * Rule sets drive live decisions (a coded call's deadline, a minor's protection): a bad value
 * would refuse calls or stop alerts, so it is refused here instead.
 */
export function checkAgainstPrevious(
  given: Record<string, RuleValue>,
  previous: Readonly<Record<string, RuleValue>>,
): void {
  const details: ErrorDetail[] = [];
  const bad = (key: string, code: string, message: string) => {
    if (details.length < 10) details.push({ field: `values.${key}`, code, message });
  };
  for (const [key, next] of Object.entries(given)) {
    const before = previous[key];
    if (!before) {
      bad(key, 'UNKNOWN_RULE_KEY', `values.${key} is not a value of this kind`);
      continue;
    }
    if (typeof next.value !== typeof before.value) {
      bad(key, 'RULE_TYPE_CHANGED', `values.${key}.value must be a ${typeof before.value}`);
      continue;
    }
    if (typeof next.value === 'number' && typeof before.value === 'number') {
      if (next.value < 0)
        bad(key, 'RULE_VALUE_NEGATIVE', `values.${key}.value must not be negative`);
      if (Number.isInteger(before.value) && !Number.isSafeInteger(next.value))
        bad(key, 'RULE_VALUE_NOT_INTEGER', `values.${key}.value must be a whole number`);
    }
    if (
      typeof next.value === 'string' &&
      typeof before.value === 'string' &&
      /^[a-z_]+$/.test(before.value) &&
      !/^[a-z_]+$/.test(next.value)
    )
      bad(
        key,
        'RULE_TYPE_CHANGED',
        `values.${key}.value must be a lower-case word like the one it replaces`,
      );
  }
  const merged = { ...previous, ...given };
  for (const [key, entry] of Object.entries(merged)) {
    if (!/min/i.test(key)) continue;
    const pair = key.replace(/min/, 'max').replace(/Min/, 'Max');
    const max = merged[pair];
    if (
      pair !== key &&
      max &&
      typeof entry.value === 'number' &&
      typeof max.value === 'number' &&
      entry.value > max.value
    )
      bad(key, 'RULE_RANGE_INVERTED', `values.${key} is above values.${pair}`);
  }
  if (details.length > 0)
    throw new DomainError(
      'RULE_VALUES_REFUSED',
      'rule',
      `Refused: ${[...new Set(details.map((d) => d.field))].join(', ')}`,
      details,
    );
}
