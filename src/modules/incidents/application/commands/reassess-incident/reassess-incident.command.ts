import { type Principal } from '../../../../../common/roles';
import { type CallFlags, type RiskAnswers } from '../../../../triage/domain/risk-assessment';

/** Re-scores an incident (new answers, or the call turned out to be coded) and re-queues it. */
export class ReassessIncidentCommand {
  constructor(
    readonly incidentId: string,
    readonly change: { answers?: RiskAnswers; coded?: boolean; reason: string },
    readonly principal: Principal,
    readonly at: Date,
  ) {}
}

export interface ReassessResult {
  priority: number;
  riskLevel: string;
  reasons: string[];
  coded: boolean;
  contactPolicy: string;
}

export type { CallFlags };
