import { DomainError } from '../../../common/domain-error';
import { assertDistrictAccess } from '../../../common/district-scope';
import { type Principal } from '../../../common/roles';

/**
 * The longest range one report may cover: a year, plus its leap day and a margin for ranges
 * given in another offset. A technical bound on the work one request may ask for, not a legal rule.
 */
export const MAX_REPORT_RANGE_DAYS = 400;

export interface ReportRange {
  from: Date;
  to: Date;
}

/** `from` < `to`, at most MAX_REPORT_RANGE_DAYS apart; 400 naming `to` otherwise. */
export function reportRange(from: string, to: string): ReportRange {
  const range = { from: new Date(from), to: new Date(to) };
  if (range.to.getTime() <= range.from.getTime())
    throw DomainError.validation('to', 'RANGE_INVALID', 'to must be later than from');
  if (range.to.getTime() - range.from.getTime() > MAX_REPORT_RANGE_DAYS * 86_400_000)
    throw DomainError.validation(
      'to',
      'RANGE_TOO_LONG',
      `from and to may be at most ${MAX_REPORT_RANGE_DAYS} days apart`,
    );
  return range;
}

/**
 * The districts a report covers: the one asked for (which must be the caller's: 403 otherwise,
 * as for the queue filter) or all of the caller's. Prosecutors are given every district they
 * audit; supervisors theirs.
 */
export function reportDistricts(principal: Principal, districtId?: string): string[] {
  if (districtId === undefined) return principal.districtIds;
  assertDistrictAccess(principal, districtId);
  return [districtId];
}
