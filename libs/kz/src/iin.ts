/**
 * Kazakhstan individual identification number (ИИН), 12 digits:
 * YYMMDD, century/sex digit, 4-digit serial, check digit.
 * Check digit: weights 1..11 mod 11; if 10, weights 3..11,1,2; if still 10 the IIN is invalid.
 */
export type IinCheck =
  | { valid: true; birthDate: string; sex: 'male' | 'female' }
  | { valid: false; reason: 'format' | 'checksum' | 'birth_date' | 'century' };

const FIRST_WEIGHTS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

export function iinCheckDigit(first11: string): number | null {
  const digits = [...first11].map(Number);
  const sum = (weights: number[]) => digits.reduce((s, d, i) => s + d * weights[i], 0) % 11;
  let s = sum(FIRST_WEIGHTS);
  if (s === 10) s = sum(SECOND_WEIGHTS);
  return s === 10 ? null : s;
}

export function checkIin(iin: string): IinCheck {
  if (!/^\d{12}$/.test(iin)) return { valid: false, reason: 'format' };
  const centuryDigit = Number(iin[6]);
  if (centuryDigit < 1 || centuryDigit > 6) return { valid: false, reason: 'century' };
  const century = 1800 + Math.floor((centuryDigit - 1) / 2) * 100;
  const year = century + Number(iin.slice(0, 2));
  const month = Number(iin.slice(2, 4));
  const day = Number(iin.slice(4, 6));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return { valid: false, reason: 'birth_date' };
  }
  const check = iinCheckDigit(iin.slice(0, 11));
  if (check === null || check !== Number(iin[11])) return { valid: false, reason: 'checksum' };
  const birthDate = `${String(year).padStart(4, '0')}-${iin.slice(2, 4)}-${iin.slice(4, 6)}`;
  return { valid: true, birthDate, sex: centuryDigit % 2 === 1 ? 'male' : 'female' };
}

/** Age in whole years on a given local calendar date (YYYY-MM-DD). */
export function ageOn(birthDate: string, onLocalDate: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number);
  const [y, m, d] = onLocalDate.split('-').map(Number);
  let age = y - by;
  if (m < bm || (m === bm && d < bd)) age -= 1;
  return age;
}
