import { DomainError } from './domain-error';
import { type Principal } from './roles';

/**
 * Parameter-level check: a district the caller names (a new call's district, a queue filter)
 * must be one of theirs. Districts are public (GET /districts), so this may answer 403.
 */
export function assertDistrictAccess(principal: Principal, districtId: string): void {
  if (!principal.districtIds.includes(districtId)) {
    throw DomainError.forbidden('This district is outside your assignment');
  }
}

export type ScopedSubjectType =
  | 'person'
  | 'incident'
  | 'call'
  | 'unit'
  | 'assignment'
  | 'protective_order'
  | 'check_in'
  | 'alert';

/** The record a caller asked for, as named in the refusal (and the access log). */
export interface ScopedSubject {
  type: ScopedSubjectType;
  id: string;
  /** As in "<What> not found": the same words as for an unknown id. */
  what: string;
}

/**
 * An existing record outside the caller's districts. It answers exactly as an unknown id would
 * (404 NOT_FOUND, "<What> not found"), so ids cannot be probed; the refusal itself is written to
 * the access log (outcome `denied`) by the access-refusal interceptor.
 */
export class OutOfScopeError extends DomainError {
  constructor(readonly subject: ScopedSubject) {
    super('NOT_FOUND', 'not_found', `${subject.what} not found`);
  }
}

/** Object-level check: the record's district must be one of the caller's. */
export function assertInScope(
  principal: Principal,
  districtId: string | null,
  subject: ScopedSubject,
): void {
  if (districtId === null || !principal.districtIds.includes(districtId)) {
    throw new OutOfScopeError(subject);
  }
}
