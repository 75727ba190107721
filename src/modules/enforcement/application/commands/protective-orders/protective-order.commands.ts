import { type Principal } from '../../../../../common/roles';

export interface RuleSetRef {
  id: string;
  validFrom: string;
  version: string;
}

export interface ProtectiveOrderView {
  id: string;
  incidentId: string;
  districtId: string;
  status: 'issued' | 'served' | 'expired' | 'revoked';
  termDays: number;
  issuedAt: string;
  servedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  prohibitions: string[];
  victimOpinion: string;
  ruleSet: RuleSetRef;
  nextCheckDueAt: string | null;
  /** The victim's next risk review (VioGén rhythm of the latest risk level). */
  nextRiskReviewDueAt: string | null;
  repeatOffender: boolean;
  violations: Array<{ incidentId: string; caseArticle: string; recordedAt: string }>;
}

export class IssueProtectiveOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly input: {
      incidentId: string;
      offender: { iin: string; fullName: string };
      victim: { iin?: string; fullName: string };
      issuedAt: Date;
      prohibitions: string[];
      victimOpinion: string;
      termDays?: number;
      backdateReason?: string;
    },
  ) {}
}

export class ServeProtectiveOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly orderId: string,
    readonly servedAt: Date,
    readonly backdateReason?: string,
  ) {}
}

export class RecordOrderViolationCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly orderId: string,
    readonly incidentId: string,
  ) {}
}

export class RevokeProtectiveOrderCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly orderId: string,
    readonly reason: string,
  ) {}
}
