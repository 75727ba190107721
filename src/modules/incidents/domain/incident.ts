import { type Priority, type RiskLevel } from '../../triage/domain/risk-assessment';

export type IncidentSource = 'call' | 'qamqor' | 'partner';
export type IncidentStatus = 'open' | 'dispatched' | 'on_scene' | 'cleared' | 'closed';
export type ContactPolicy = 'normal' | 'silent';

export interface IncidentTriage {
  priority: Priority;
  riskLevel: RiskLevel;
  score: number;
  reasons: string[];
  ruleSetId: string;
}

export const INCIDENT_STREAM = 'incident';

/** The fixed list of ways an incident can end. */
export const DISPOSITIONS = [
  'order_issued',
  'arrest',
  'warning',
  'administrative_case',
  'criminal_case',
  'no_offence_found',
  'victim_not_found',
  'referred_to_crisis_centre',
  'false_call',
  'duplicate',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];
