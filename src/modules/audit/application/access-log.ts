import { DomainError } from '../../../common/domain-error';
import { type ScopedSubjectType } from '../../../common/district-scope';

export interface AccessEntry {
  userId: string;
  ip: string | null;
  subjectType: ScopedSubjectType;
  subjectId: string | null;
  /** The lookup key when there is no subject id yet (e.g. "iin"), never the value itself. */
  query?: string;
  endpoint: string;
  outcome: 'granted' | 'denied' | 'not_found';
  at: Date;
}

/** Who read which person, incident or call record, and when. Written before the data is returned. */
export abstract class AccessLog {
  abstract record(entry: AccessEntry): Promise<void>;
  /**
   * Outside any transaction in progress: a refusal is logged even though the refused command's
   * transaction rolls back.
   */
  abstract recordDetached(entry: AccessEntry): Promise<void>;
  /** One entry per subject, in one statement: a report that lists records (e.g. incident ids). */
  abstract recordEach(entry: Omit<AccessEntry, 'subjectId'>, subjectIds: string[]): Promise<void>;
}

/**
 * A read of a district-scoped record (incident, call): written to the access log with its
 * outcome first, then the record is returned, or refused. A record outside the caller's districts
 * answers exactly as an unknown id (404), its refusal logged as `denied`.
 */
export async function logScopedRead<T extends { districtId: string | null }>(
  log: AccessLog,
  record: T | null,
  read: Omit<AccessEntry, 'outcome'> & {
    districtIds: string[];
    what: string;
    unassignedVisible?: boolean;
  },
): Promise<T> {
  // A record no district has claimed yet (a web report without one) is for supervisors to route.
  const allowed =
    record !== null &&
    (record.districtId === null
      ? read.unassignedVisible === true
      : read.districtIds.includes(record.districtId));
  const { districtIds: _districts, what, unassignedVisible: _unassigned, ...entry } = read;
  await log.record({
    ...entry,
    outcome: record === null ? 'not_found' : allowed ? 'granted' : 'denied',
  });
  if (!record) throw DomainError.notFound(what);
  if (!allowed) throw DomainError.notFound(what);
  return record;
}
