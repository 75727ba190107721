import { type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';
import minMetadata from 'libphonenumber-js/min/metadata';

const max = maxMetadata as unknown as MetadataJson;
const min = minMetadata as unknown as MetadataJson;

/**
 * Normalises a phone number to E.164, assuming Kazakhstan (+7) when no country code is given.
 *
 * Any number valid under libphonenumber's detailed ("max") ranges is accepted, of any country.
 * Kazakh numbers are accepted on the national numbering plan alone (+7 followed by a 10-digit
 * number in Kazakhstan's 6xx/7xx area and mobile codes): the detailed fixed-line ranges do not
 * list every exchange block, and a 102 line cannot refuse the caller's landline — "+7 727 555
 * 0301" (Almaty) is outside them.
 */
export function normalizePhone(raw: string): string | null {
  const text = raw.trim();
  // Digits and the usual separators only: libphonenumber would read "…44x" or "ext 12" as an
  // extension and drop it, storing a number the person never gave.
  if (!/^[+\d\s().-]{3,32}$/.test(text)) return null;
  const detailed = parsePhoneNumberFromString(text, 'KZ', max);
  if (detailed?.isValid()) return detailed.number;
  const plan = parsePhoneNumberFromString(text, 'KZ', min);
  if (plan?.country === 'KZ' && plan.isValid()) return plan.number;
  return null;
}
