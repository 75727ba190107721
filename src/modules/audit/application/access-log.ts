export interface AccessEntry {
  userId: string;
  ip: string | null;
  subjectType: 'person' | 'incident' | 'call';
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
}
