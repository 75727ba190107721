import { type ArgumentMetadata, type ValidationError, ValidationPipe } from '@nestjs/common';
import { invalidId } from './id-pipe';
import { DomainError, type ErrorDetail } from './domain-error';
import { assertInputShape, boundedField } from './input-limits';

/** Details kept per error body; the rest are counted (see toErrorBody). */
export const MAX_ERROR_DETAILS = 10;

/** Each failing constraint as a detail, depth-first, without recursion. */
function flatten(errors: ValidationError[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const stack: Array<{ error: ValidationError; parent: string }> = [];
  for (let i = errors.length - 1; i >= 0; i--) stack.push({ error: errors[i], parent: '' });
  while (stack.length > 0) {
    const { error, parent } = stack.pop()!;
    const field = parent ? `${parent}.${error.property}` : error.property;
    const named = boundedField(field);
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      details.push({
        field: named,
        code: code === 'whitelistValidation' ? 'unknownField' : code,
        message: code === 'whitelistValidation' ? `${named} is not an accepted field` : message,
      });
    }
    const children = error.children ?? [];
    for (let i = children.length - 1; i >= 0; i--)
      stack.push({ error: children[i], parent: field });
  }
  return details;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Route parameters that name a record: `:id`, `:unitId`, … are UUIDs on every route. */
const ID_PARAM = /^(id|[a-z][A-Za-z0-9]*Id)$/;

function assertIdParams(value: unknown, name: string | undefined): void {
  const params: Array<[string, unknown]> =
    name !== undefined
      ? [[name, value]]
      : value !== null && typeof value === 'object'
        ? Object.entries(value)
        : [];
  for (const [param, v] of params) {
    if (ID_PARAM.test(param) && !(typeof v === 'string' && UUID.test(v))) {
      throw invalidId(param);
    }
  }
}

/**
 * Bounds the input's shape (depth, sizes, forbidden keys, unstorable characters) before
 * class-transformer or class-validator recurse into it, and requires UUID ids in the path.
 */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query' || metadata.type === 'param') {
      assertInputShape(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (metadata.type === 'param') assertIdParams(value, metadata.data);
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
      const shown = fields.slice(0, MAX_ERROR_DETAILS).join(', ');
      const more =
        fields.length > MAX_ERROR_DETAILS ? ` and ${fields.length - MAX_ERROR_DETAILS} more` : '';
      return new DomainError(
        'VALIDATION_FAILED',
        'validation',
        `Invalid request: ${shown}${more}`,
        details,
      );
    },
  });
}
