import { ageOn, checkIin, iinCheckDigit } from './iin';

describe('IIN', () => {
  it('accepts the sample IIN from DOMAIN.md and reads its birth date', () => {
    expect(checkIin('791028302728')).toEqual({ valid: true, birthDate: '1979-10-28', sex: 'male' });
  });

  it.each([
    ['791028302729', 'checksum'],
    ['79102830272', 'format'],
    ['7910283027a8', 'format'],
    ['791328302728', 'birth_date'],
    ['790230302728', 'birth_date'],
    ['791028702728', 'century'],
  ])('refuses %s (%s)', (iin, reason) => {
    expect(checkIin(iin)).toEqual({ valid: false, reason });
  });

  it('uses the second weight set when the first sum is 10', () => {
    // A prefix whose first-weight sum is 10, so the fallback weights decide.
    const prefix = '00010130180';
    const first = [...prefix].reduce((s, d, i) => s + Number(d) * (i + 1), 0) % 11;
    expect(first).toBe(10);
    // second weights 3..11,1,2 give 5
    expect(iinCheckDigit(prefix)).toBe(5);
    expect(checkIin(`${prefix}5`)).toMatchObject({ valid: true, birthDate: '1900-01-01' });
    expect(checkIin(`${prefix}4`)).toEqual({ valid: false, reason: 'checksum' });
  });

  it('counts age in calendar years', () => {
    expect(ageOn('2010-05-20', '2026-05-19')).toBe(15);
    expect(ageOn('2010-05-20', '2026-05-20')).toBe(16);
  });
});
