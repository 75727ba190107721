import { type Principal } from '../../../../../common/roles';

export class DispatchQueueQuery {
  constructor(
    readonly principal: Principal,
    readonly now: Date,
    readonly districtId?: string,
    /** A console shows the head of the queue; thousands of rows help nobody. */
    readonly limit = 100,
  ) {}
}

export interface QueueItem {
  incidentId: string;
  priority: number;
  riskLevel: string;
  coded: boolean;
  waitingSeconds: number;
  /** Waited past the policy limit for its priority: shown above fresh incidents of that priority. */
  overdue: boolean;
  districtId: string | null;
  address: string;
  reasons: string[];
  source: string;
  receivedAt: string;
}
