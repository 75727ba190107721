import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Normalises a phone number to E.164, assuming Kazakhstan (+7) when no country code is given. */
export function normalizePhone(raw: string): string | null {
  const phone = parsePhoneNumberFromString(raw.trim(), 'KZ');
  if (!phone || !phone.isValid()) return null;
  return phone.number;
}
