import { type Principal } from '../../../../../common/roles';

export const CHECK_IN_OUTCOMES = ['complied', 'violation_found', 'not_reached'] as const;
export type CheckInOutcome = (typeof CHECK_IN_OUTCOMES)[number];

export class CompleteCheckInCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly checkInId: string,
    readonly at: Date,
    readonly outcome: CheckInOutcome,
    readonly notes?: string,
    readonly backdateReason?: string,
  ) {}
}

export interface CheckInView {
  id: string;
  subject: { type: string; id: string };
  personId: string;
  districtId: string;
  dueAt: string;
  status: 'due' | 'completed' | 'cancelled';
  overdue: boolean;
  completedAt: string | null;
  outcome: string | null;
}

export const SAFE_CONTACT_CHANNELS = ['phone', 'trusted_person', 'crisis_centre'] as const;
export type SafeContactChannel = (typeof SAFE_CONTACT_CHANNELS)[number];

/** How the victim may be reached without danger; recorded with her consent. */
export class RecordSafeContactCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly personId: string,
    readonly channel: SafeContactChannel,
    readonly value: string,
    readonly consentAt: Date,
  ) {}
}

export interface SafeContactView {
  id: string;
  personId: string;
  channel: SafeContactChannel;
  consentAt: string;
}
