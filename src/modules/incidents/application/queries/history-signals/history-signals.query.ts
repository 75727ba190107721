/** A person named on the call or report, by the key the people module resolves them with. */
export interface NamedPerson {
  role: 'victim' | 'offender' | 'applicant';
  iin: string | null;
  phone: string | null;
  fullNameNorm: string | null;
}

/**
 * History of the place, the number and the people of a call, for triage. `people` are those named
 * on a call not yet recorded; for a recorded incident (`excludeIncidentId`) its linked people
 * count as well.
 */
export class HistorySignalsQuery {
  constructor(
    readonly excludeIncidentId: string | null,
    readonly addressNorm: string,
    readonly phone: string | null,
    readonly before: Date,
    readonly people: readonly NamedPerson[] = [],
  ) {}
}
