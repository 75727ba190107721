/** How a refusal should be understood; the HTTP layer maps each kind to one status. */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rule'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
}

/**
 * Every refusal the domain makes, with a stable `code` clients can rely on. Messages and details
 * must never carry victim personal data.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly kind: DomainErrorKind,
    message: string,
    readonly details?: ErrorDetail[],
    /** For 429 and 503: when to try again, sent as `Retry-After` (seconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(field: string, code: string, message: string): DomainError {
    return new DomainError(code, 'validation', message, [{ field, code, message }]);
  }

  static notFound(what: string): DomainError {
    return new DomainError('NOT_FOUND', 'not_found', `${what} not found`);
  }

  static forbidden(message = 'You do not have access to this resource'): DomainError {
    return new DomainError('FORBIDDEN', 'forbidden', message);
  }
}
