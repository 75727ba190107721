import { normalizeAddress, normalizeName } from './address';
import { normalizePhone } from './phone';

describe('address normalisation', () => {
  it.each([
    ['ул. Абая, д. 10, кв. 5', 'улица Абая 10 квартира 5'],
    ['пр-т Назарбаева 12/1', 'проспект назарбаева 12 1'],
    ['мкр. Самал-2, дом 7', 'микрорайон Самал-2 7'],
    ['Кенесары көшесі 40, пәтер 3', 'ул. КЕНЕСАРЫ 40 кв 3'],
    ['ул. Жолдасбекова 9 кв. 12', 'Жолдасбекова көшесі, 9, квартира № 12'],
  ])('treats %s and %s as one address', (a, b) => {
    expect(normalizeAddress(a)).toBe(normalizeAddress(b));
  });

  it('keeps different houses apart', () => {
    expect(normalizeAddress('ул. Абая 10')).not.toBe(normalizeAddress('ул. Абая 11'));
  });

  it('folds names', () => {
    expect(normalizeName('  Пётр  ИВАНОВ. ')).toBe('петр иванов');
  });
});

describe('phone normalisation (libphonenumber-js)', () => {
  it.each([
    ['+7 701 234 56 78', '+77012345678'],
    ['87012345678', '+77012345678'],
    ['8 (701) 234-56-78', '+77012345678'],
    ['7012345678', '+77012345678'],
  ])('normalises %s to E.164', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each(['', 'abc', '123', '+7 000'])('refuses %j', (raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });
});
