import { type ParsedPerson } from '../../../domain/person-input';

export type PersonRole = 'victim' | 'offender' | 'applicant';

/** Finds or creates each person and links them to the incident, in the caller's transaction. */
export class LinkPersonsCommand {
  constructor(
    readonly incidentId: string,
    readonly people: Array<{ role: PersonRole; person: ParsedPerson }>,
    readonly at: Date,
  ) {}
}

export type LinkPersonsResult = Array<{ role: PersonRole; personId: string }>;
