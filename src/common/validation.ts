import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError, type ErrorDetail } from './domain-error';
import { findUnstorableString } from './validators';

function flatten(errors: ValidationError[], parent = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([code, message]) => ({
      field,
      code: code === 'whitelistValidation' ? 'unknownField' : code,
      message: code === 'whitelistValidation' ? `${field} is not an accepted field` : message,
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Refuses strings the database cannot store (NUL, lone surrogates) before anything else runs. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      const field = findUnstorableString(value);
      if (field)
        throw DomainError.validation(
          field,
          'INVALID_CHARACTERS',
          `${field} contains characters that cannot be stored`,
        );
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields and names every failing field; never echoes the submitted values. */
export function createValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const fields = [...new Set(details.map((d) => d.field))];
      return new DomainError(
        'VALIDATION_FAILED',
        'validation',
        `Invalid request: ${fields.join(', ')}`,
        details,
      );
    },
  });
}
