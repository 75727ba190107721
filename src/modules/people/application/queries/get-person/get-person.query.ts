import { type Principal } from '../../../../../common/roles';

export class GetPersonByIinQuery {
  constructor(
    readonly iin: string,
    readonly principal: Principal,
  ) {}
}

export class GetPersonByIdQuery {
  constructor(
    readonly id: string,
    readonly principal: Principal,
  ) {}
}

/** A victim's recorded safe contact: the only address notifications to her may use. */
export interface SafeContactEntry {
  id: string;
  channel: string;
  value: string;
  consentAt: string;
  recordedAt: string;
  withdrawnAt: string | null;
}

/** `personId` is set whenever the person exists, `view` only when the caller may see them. */
export interface PersonLookup {
  personId: string | null;
  view: PersonView | null;
}

export interface PersonIncidentView {
  id: string;
  source: string;
  status: string;
  priority: number;
  districtId: string | null;
  receivedAt: string;
  roles: string[];
}

export interface PersonView {
  id: string;
  iin: string | null;
  fullName: string | null;
  phone: string | null;
  birthDate: string | null;
  /** Newest first; the first one not withdrawn is the one notifications use. */
  safeContacts: SafeContactEntry[];
  history: {
    /** A risk signal that may cross districts: how many incidents elsewhere, no details. */
    incidentsInOtherDistricts: number;
    incidents: PersonIncidentView[];
    warnings: unknown[];
    protectiveOrders: unknown[];
    arrests: unknown[];
    specialRequirements: unknown[];
    /** Preventive registration: each category, from when to when, and why it ended. */
    registration: unknown[];
    checkIns: unknown[];
  };
}
