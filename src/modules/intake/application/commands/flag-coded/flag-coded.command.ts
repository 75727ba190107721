import { type Principal } from '../../../../../common/roles';

export class FlagCodedCommand {
  constructor(
    readonly principal: Principal,
    readonly callId: string,
  ) {}
}

export interface FlagCodedResult {
  id: string;
  incidentId: string;
  coded: true;
  contactPolicy: 'silent';
  priority: number;
  riskLevel: string;
  reasons: string[];
}
