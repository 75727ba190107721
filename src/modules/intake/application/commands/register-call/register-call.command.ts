import { type Principal } from '../../../../../common/roles';
import { type PersonInput } from '../../../../people/domain/person-input';
import { type RiskAnswers } from '../../../../triage/domain/risk-assessment';

export class RegisterCallCommand {
  constructor(
    readonly principal: Principal,
    readonly call: {
      receivedAt?: string;
      answeredAt?: string;
      callerPhone?: string | null;
      districtId: string;
      address: string;
      lat?: number;
      lon?: number;
      transcript?: string;
      coded?: boolean;
      silent?: boolean;
      language?: 'ru' | 'kk' | 'en';
      victim?: PersonInput;
      offender?: PersonInput;
      risk?: RiskAnswers;
    },
  ) {}
}

export interface RegisterCallResult {
  id: string;
  incidentId: string;
  coded: boolean;
  passphraseDetected: boolean;
  matchedPassphraseId?: string;
  priority: number;
  riskLevel: string;
  reasons: string[];
  contactPolicy: 'normal' | 'silent';
  ruleSet: { id: string; version: string; validFrom: string };
  /** The named offender has an order in force: this call may violate it. */
  possibleViolation?: { orderId: string };
}
