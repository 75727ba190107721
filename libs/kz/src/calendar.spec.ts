import {
  addLocalDays,
  addLocalMonths,
  endOfTermInDays,
  endOfTermInMonths,
  kzOffsetMinutes,
  kzStartOfDay,
} from './calendar';

describe('Kazakhstan calendar days', () => {
  it('knows the zone was UTC+6 in Almaty before 1 March 2024 and UTC+5 since', () => {
    expect(kzOffsetMinutes(new Date('2024-01-15T12:00:00Z'))).toBe(360);
    expect(kzOffsetMinutes(new Date('2026-06-15T12:00:00Z'))).toBe(300);
  });

  it('starts a local day at 00:00 local time', () => {
    expect(kzStartOfDay('2026-03-02').toISOString()).toBe('2026-03-01T19:00:00.000Z');
    expect(kzStartOfDay('2023-12-31').toISOString()).toBe('2023-12-30T18:00:00.000Z');
  });

  it('adds days across month ends, leap days and the year end', () => {
    expect(addLocalDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addLocalDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addLocalDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addLocalDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('adds months, clamping to the last day of a shorter month', () => {
    expect(addLocalMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addLocalMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addLocalMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addLocalMonths('2026-03-31', 12)).toBe('2027-03-31');
  });

  it('ends a 30-day term served on 10 March at 24:00 on 9 April, local time', () => {
    // Served at 14:00 local on 10 March; days run 11 March … 9 April.
    const servedAt = new Date('2026-03-10T09:00:00Z');
    expect(endOfTermInDays(servedAt, 30).toISOString()).toBe('2026-04-09T19:00:00.000Z');
  });

  it('counts the local date, not the UTC one, late in the evening', () => {
    // 23:30 local on 31 January is still 31 January in Kazakhstan (18:30 UTC).
    const at = new Date('2026-01-31T18:30:00Z');
    expect(endOfTermInDays(at, 30).toISOString()).toBe('2026-03-02T19:00:00.000Z');
    // 00:30 local on 1 February is already 1 February (19:30 UTC on 31 January).
    const later = new Date('2026-01-31T19:30:00Z');
    expect(endOfTermInDays(later, 30).toISOString()).toBe('2026-03-03T19:00:00.000Z');
  });

  it('runs a term across the year end', () => {
    const at = new Date('2026-12-20T06:00:00Z');
    expect(endOfTermInDays(at, 30).toISOString()).toBe('2027-01-19T19:00:00.000Z');
  });

  it('ends a 3-month term on the same day number three months later, at 24:00', () => {
    const at = new Date('2026-11-30T06:00:00Z');
    // 30 November + 3 months = 28 February 2027 (no 30 February); ends at 24:00 that day.
    expect(endOfTermInMonths(at, 3).toISOString()).toBe('2027-02-28T19:00:00.000Z');
  });
});
