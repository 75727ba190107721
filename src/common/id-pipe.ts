import { type PipeTransform } from '@nestjs/common';
import { DomainError } from './domain-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Every `:id` path parameter: must be a UUID, and is lower-cased, so one record has one spelling
 * (`/users/ABC…` and `/users/abc…` are the same user for every check, e.g. self-lockout).
 */
export class IdPipe implements PipeTransform<unknown, string> {
  constructor(private readonly field = 'id') {}

  transform(value: unknown): string {
    if (typeof value !== 'string' || !UUID.test(value)) {
      throw invalidId(this.field);
    }
    return value.toLowerCase();
  }
}

export const idParam = new IdPipe();

/** 400 VALIDATION_FAILED naming the path parameter, like every other bad field. */
export function invalidId(field: string): DomainError {
  const message = `${field} must be a UUID`;
  return new DomainError('VALIDATION_FAILED', 'validation', message, [
    { field, code: 'isUuid', message },
  ]);
}
