import { normalizePhone } from './phone';

describe('normalizePhone', () => {
  it.each([
    ['+7 727 555 0301', '+77275550301'], // Almaty landline outside the detailed ranges
    ['8 (727) 555-03-01', '+77275550301'], // the same, dialled nationally
    ['+7 727 255 5030', '+77272555030'], // Almaty landline
    ['87172123456', '+77172123456'], // Astana landline, national format
    ['+7 7252 12 34 56', '+77252123456'], // Shymkent landline
    ['+7 701 234 56 78', '+77012345678'], // Kcell mobile
    ['8 777 123 45 67', '+77771234567'], // Beeline mobile, national format
    ['7012345678', '+77012345678'], // mobile without trunk prefix
    ['+1 202 555 0143', '+12025550143'], // international: US
    ['+44 20 7946 0958', '+442079460958'], // international: UK
    ['+7 495 123 45 67', '+74951234567'], // Russia (+7 shared with Kazakhstan)
    ['+998 90 123 45 67', '+998901234567'], // Uzbekistan mobile
  ])('accepts %s as %s', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each([
    ['too short', '+7 727 555'],
    ['too long', '+7 727 555 03011'],
    ['letters', 'withheld'],
    ['an emergency short code', '112'],
    ['a Russian number outside any range', '+7 999'],
    ['an invalid foreign number', '+1 000 000 0000'],
    ['empty', '   '],
  ])('refuses %s', (_label, raw) => {
    expect(normalizePhone(raw)).toBeNull();
  });

  it('refuses letters, so an extension or a typo is not silently dropped', () => {
    expect(normalizePhone('87012223344x')).toBeNull();
    expect(normalizePhone('+7 701 222 3344 ext 12')).toBeNull();
    expect(normalizePhone('+7 (701) 222-33-44')).toBe('+77012223344');
  });
});
