import { checkIin, normalizeName, normalizePhone } from '@app/kz';
import { DomainError } from '../../../common/domain-error';

export interface PersonInput {
  iin?: string | null;
  fullName?: string | null;
  phone?: string | null;
}

/** A person as given at intake, checked and normalised. */
export interface ParsedPerson {
  iin: string | null;
  birthDate: string | null;
  fullName: string | null;
  fullNameNorm: string | null;
  phone: string | null;
}

/**
 * Checks the IIN (check digit and birth date) and normalises the phone to E.164. Errors name the
 * field (`victim.iin`) but never echo the value.
 */
export function parsePerson(input: PersonInput | null | undefined, field: string): ParsedPerson {
  input ??= {};
  let iin: string | null = null;
  let birthDate: string | null = null;
  if (input.iin != null && input.iin !== '') {
    const check = checkIin(input.iin);
    if (!check.valid) {
      throw DomainError.validation(
        `${field}.iin`,
        'IIN_INVALID',
        `${field}.iin is not a valid IIN (${check.reason.replace('_', ' ')})`,
      );
    }
    iin = input.iin;
    birthDate = check.birthDate;
  }
  let phone: string | null = null;
  if (input.phone != null && input.phone !== '') {
    phone = normalizePhone(input.phone);
    if (!phone)
      throw DomainError.validation(
        `${field}.phone`,
        'PHONE_INVALID',
        `${field}.phone is not a valid phone number`,
      );
  }
  const fullName = input.fullName?.trim() || null;
  return {
    iin,
    birthDate,
    fullName,
    fullNameNorm: fullName ? normalizeName(fullName) : null,
    phone,
  };
}

export function isEmptyPerson(p: ParsedPerson): boolean {
  return !p.iin && !p.fullName && !p.phone;
}
