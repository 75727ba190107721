import { SetMetadata } from '@nestjs/common';
import { type ScopedSubjectType } from './district-scope';

export const PERSONAL_DATA_KEY = 'access:personal-data';

/**
 * Marks a route that returns personal data (a person, an incident, a call). A caller whose role
 * may not read it is refused (403) and the refusal is written to the access log.
 */
export const PersonalData = (subjectType: ScopedSubjectType, query?: string) =>
  SetMetadata(PERSONAL_DATA_KEY, { subjectType, query });

export interface PersonalDataRoute {
  subjectType: ScopedSubjectType;
  /** The lookup key when the route has no `:id` (e.g. "iin"), never the value. */
  query?: string;
}
