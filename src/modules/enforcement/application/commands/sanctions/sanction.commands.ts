import { type Principal } from '../../../../../common/roles';
import { type RuleSetRef } from '../protective-orders/protective-order.commands';

export class IssueWarningCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly input: {
      incidentId: string;
      offender: { iin: string; fullName: string };
      issuedAt: Date;
      backdateReason?: string;
    },
  ) {}
}

export interface WarningView {
  id: string;
  incidentId: string;
  districtId: string;
  issuedAt: string;
  validUntil: string;
  repeatOffender: boolean;
  ruleSet: RuleSetRef;
  nextCheckDueAt: string | null;
}

export class RecordArrestCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly input: {
      incidentId: string;
      offenderIin: string;
      courtDecisionRef: string;
      days: number;
      startsAt: Date;
      backdateReason?: string;
    },
  ) {}
}

export interface ArrestView {
  id: string;
  incidentId: string;
  districtId: string;
  days: number;
  startsAt: string;
  releaseAt: string;
  repeatOffender: boolean;
  ruleSet: RuleSetRef;
}

export class RecordSpecialRequirementsCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly input: {
      offenderIin: string;
      districtId?: string;
      courtDecisionRef: string;
      startsAt: Date;
      months: number;
      checkInsPerMonth: number;
      prohibitions: string[];
      backdateReason?: string;
    },
  ) {}
}

export interface SpecialRequirementsView {
  id: string;
  districtId: string;
  startsAt: string;
  endsAt: string;
  months: number;
  checkInsPerMonth: number;
  prohibitions: string[];
  ruleSet: RuleSetRef;
  nextCheckDueAt: string | null;
}
