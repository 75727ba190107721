import { DomainError } from './domain-error';
import { type Principal } from './roles';

/** Object-level check: the record's district must be one of the caller's. */
export function assertDistrictAccess(principal: Principal, districtId: string): void {
  if (!principal.districtIds.includes(districtId)) {
    throw DomainError.forbidden('This record belongs to a district outside your assignment');
  }
}
