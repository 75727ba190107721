import { DomainError } from '../../../common/domain-error';

/** Refusals of the law in force (422), each with a stable code and the field it concerns. */
export function ruleRefusal(code: string, field: string, message: string): DomainError {
  return new DomainError(code, 'rule', message, [{ field, code, message }]);
}

export function invalidTransition(message: string): DomainError {
  return new DomainError('INVALID_TRANSITION', 'conflict', message);
}
