import { type MetadataJson, parsePhoneNumberFromString } from 'libphonenumber-js/core';
import maxMetadata from 'libphonenumber-js/max/metadata';

const metadata = maxMetadata as unknown as MetadataJson;

/**
 * Normalises a phone number to E.164, assuming Kazakhstan (+7) when no country code is given.
 * The core API with explicit "max" metadata validates number ranges, not only lengths.
 */
export function normalizePhone(raw: string): string | null {
  const phone = parsePhoneNumberFromString(raw.trim(), 'KZ', metadata);
  if (!phone || !phone.isValid()) return null;
  return phone.number;
}
