import { type NewEvent } from '@app/event-store';
import { type RiskAnswers } from '../../../../triage/domain/risk-assessment';
import {
  type ContactPolicy,
  type IncidentSource,
  type IncidentTriage,
} from '../../../domain/incident';

export class OpenIncidentCommand {
  constructor(
    readonly incident: {
      id: string;
      source: IncidentSource;
      districtId: string | null;
      address: string;
      addressNorm: string;
      lat: number | null;
      lon: number | null;
      callerPhone: string | null;
      coded: boolean;
      contactPolicy: ContactPolicy;
      triage: IncidentTriage;
      riskAnswers: RiskAnswers;
      receivedAt: Date;
    },
    readonly actorId: string | null,
    readonly at: Date,
    /** Events of the new stream that come before IncidentOpened (the call, the report): one append. */
    readonly leadingEvents: NewEvent[] = [],
  ) {}
}
