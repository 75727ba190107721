export class GetCallQuery {
  constructor(readonly callId: string) {}
}

export interface CallView {
  id: string;
  incidentId: string;
  districtId: string;
  receivedAt: string;
  answeredAt: string;
  callerPhone: string | null;
  transcript: string | null;
  language: string | null;
  coded: boolean;
  codedBy: string | null;
  passphraseDetected: boolean;
  matchedPassphraseId: string | null;
  contactPolicy: string;
  priority: number;
  riskLevel: string;
  reasons: string[];
  createdBy: string;
}
