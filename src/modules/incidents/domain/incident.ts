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
