import { type Principal } from '../../../common/roles';

export class DeadlineComplianceQuery {
  constructor(
    readonly principal: Principal,
    readonly from: Date,
    readonly to: Date,
    readonly districtIds: string[],
    /** Obligations not yet met count as missed only once their time has passed. */
    readonly now: Date,
  ) {}
}

export interface DeadlineComplianceRow {
  districtId: string;
  districtName: string;
  /** The inspector answerable: who issued the order, warning or requirement; null when none. */
  inspectorId: string | null;
  inspectorUsername: string | null;
  ordersDue: number;
  ordersServedLate: number;
  ordersNeverServed: number;
  checkInsDue: number;
  checkInsMissed: number;
  checkInsCompletedLate: number;
  alertsWithThreshold: number;
  alertsAcknowledgedLate: number;
  alertsNeverAcknowledged: number;
}

export interface DeadlineComplianceReport {
  from: string;
  to: string;
  asOf: string;
  rows: DeadlineComplianceRow[];
}
