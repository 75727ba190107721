import { type EntityManager } from 'typeorm';
import { OutOfScopeError } from '../../../common/district-scope';
import { DomainError } from '../../../common/domain-error';
import { type Principal } from '../../../common/roles';

/** How far ahead of the server clock a console's or crew terminal's timestamps may run. */
export const CLOCK_SKEW_MS = 60_000;

/**
 * A crew step dated in the past: never before the call came in, and further back than the
 * policy allows only with a reason (paper logs entered late), which is kept.
 */
export function checkBackdating(
  at: Date,
  now: Date,
  receivedAt: Date,
  maxBackdateSeconds: number,
  backdateReason: string | undefined,
): void {
  if (at < receivedAt) {
    throw DomainError.validation('at', 'BEFORE_RECEIVED', 'at is before the call was received');
  }
  if (now.getTime() - at.getTime() > maxBackdateSeconds * 1000 && !backdateReason) {
    throw new DomainError(
      'BACKDATE_REASON_REQUIRED',
      'rule',
      `at is more than ${maxBackdateSeconds} s in the past; give a backdateReason`,
      [
        {
          field: 'backdateReason',
          code: 'BACKDATE_REASON_REQUIRED',
          message: 'backdateReason is required',
        },
      ],
    );
  }
}

export function resolveAt(at: string | undefined, now: Date, field = 'at'): Date {
  if (!at) return now;
  const when = new Date(at);
  if (when.getTime() > now.getTime() + CLOCK_SKEW_MS)
    throw DomainError.validation(field, 'IN_FUTURE', `${field} is in the future`);
  return when;
}

export interface LockedUnit {
  id: string;
  call_sign: string;
  status: string;
  district_id: string;
  region: string;
}

export async function lockUnit(tx: EntityManager, unitId: string): Promise<LockedUnit> {
  const [row] = (await tx.query(
    `SELECT u.id, u.call_sign, u.status, u.district_id, d.region
     FROM units u JOIN districts d ON d.id = u.district_id WHERE u.id = $1 FOR UPDATE OF u`,
    [unitId],
  )) as LockedUnit[];
  if (!row) throw DomainError.notFound('Unit');
  return row;
}

/** A dispatcher commands crews of their districts, and of the incident's region when lending. */
export function assertUnitAccess(
  principal: Principal,
  unit: LockedUnit,
  incidentRegion?: string | null,
): void {
  if (principal.districtIds.includes(unit.district_id)) return;
  if (incidentRegion && unit.region === incidentRegion) return;
  throw new OutOfScopeError({ type: 'unit', id: unit.id, what: 'Unit' });
}
