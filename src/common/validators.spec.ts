import { findUnstorableString, isTimestamp } from './validators';

describe('timestamps', () => {
  it.each([
    '2026-11-22T10:00:00+05:00',
    '2026-11-22T05:00:00Z',
    '2026-11-22T05:00Z',
    '2024-02-29T00:00:00.123456Z',
    '1900-01-01T00:00:00Z',
    '2200-12-31T23:59:59.999Z',
  ])('accepts %s', (v) => expect(isTimestamp(v)).toBe(true));

  it.each([
    '2026-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2026-01-01T10Z',
    '20260101T100000Z',
    '2026-W01',
    '2026-01-01T10:00:00,5Z',
    '2026-01-01T10:00:00',
    '2026-01-01T24:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-01-01T10:00:00+15:00',
    '2026-01-01',
    '0000-01-01T00:00:00Z',
    '1899-12-31T23:59:59Z',
    '1900-01-01T04:59:59+05:00',
    '2201-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    42,
    null,
  ])('refuses %j', (v) => expect(isTimestamp(v)).toBe(false));
});

describe('unstorable strings', () => {
  it('finds NUL and lone surrogates with their path', () => {
    expect(findUnstorableString({ a: 'ok', b: { c: ['x', 'y\u0000'] } })).toBe('b.c[1]');
    expect(findUnstorableString({ t: 'bad \uD800 half' })).toBe('t');
    expect(findUnstorableString({ t: 'ok 😀 pair' })).toBeNull();
    expect(findUnstorableString('a\u0000')).toBe('body');
  });
});
