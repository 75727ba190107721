import { type EntityManager } from 'typeorm';
import { assertInScope, type ScopedSubject } from '../../../common/district-scope';
import { DomainError } from '../../../common/domain-error';
import { type Principal } from '../../../common/roles';

export interface LockedIncident {
  id: string;
  status: string;
  received_at: Date;
  district_id: string | null;
  region: string | null;
  lat: number | null;
  lon: number | null;
}

/**
 * Locks the incident row for this transaction and checks the caller may act on it. Out of the
 * caller's districts it answers as the record asked for would if unknown (`refusedAs`: the
 * incident itself, or e.g. one of its assignments).
 */
export async function lockIncident(
  tx: EntityManager,
  incidentId: string,
  principal: Principal,
  refusedAs: ScopedSubject = { type: 'incident', id: incidentId, what: 'Incident' },
): Promise<LockedIncident> {
  const [row] = (await tx.query(
    `SELECT i.id, i.status, i.received_at, i.district_id, d.region, i.lat, i.lon
     FROM incidents i LEFT JOIN districts d ON d.id = i.district_id WHERE i.id = $1 FOR UPDATE OF i`,
    [incidentId],
  )) as LockedIncident[];
  if (!row) throw DomainError.notFound(refusedAs.what);
  // Supervisors see unclaimed incidents (to route them), so for them it exists but cannot be acted on.
  if (!row.district_id && principal.role === 'supervisor')
    throw DomainError.forbidden('This incident has no district yet');
  assertInScope(principal, row.district_id, refusedAs);
  return row;
}
