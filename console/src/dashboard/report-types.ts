/** The audit API's answers the dashboard reads (see /api/docs-json, tag `audit`). */
export interface Percentiles {
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

export type Interval =
  'receivedToAnswered' | 'answeredToDispatched' | 'dispatchedToOnScene' | 'receivedToOnScene';

export interface ResponseGroup extends Record<Interval, Percentiles> {
  districtId?: string | null;
  districtName?: string | null;
  priority?: number;
  source?: string;
  period?: string;
  count: number;
  withinTargetShare: { answer: number | null; dispatch: number | null; attendance: number | null };
  breachCount: number;
  breaches: string[];
}

export interface ResponseTimesReport {
  from: string;
  to: string;
  groupBy: string[];
  groups: ResponseGroup[];
}

export interface ComplianceRow {
  districtId: string;
  districtName: string;
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

export interface ComplianceReport {
  from: string;
  to: string;
  asOf: string;
  rows: ComplianceRow[];
}

export interface VerifyResult {
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBrokenAt?: { streamId: string; version: number; reason?: string };
}

export interface Checkpoint {
  sequence: number;
  createdAt: string;
  streamCount: number;
  eventCount: number;
  keyId: string;
}

export interface Policy {
  id: string;
  kind: string;
  version: string;
  validFrom: string;
  validTo: string | null;
  values: Record<string, { value: unknown; unit?: string; citation?: string }>;
}
