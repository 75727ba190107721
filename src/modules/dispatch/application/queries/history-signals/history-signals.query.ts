/** History of the place and number of a call, for triage. */
export class HistorySignalsQuery {
  constructor(
    readonly excludeIncidentId: string | null,
    readonly addressNorm: string,
    readonly phone: string | null,
    readonly before: Date,
  ) {}
}
