export class GetIncidentQuery {
  constructor(readonly incidentId: string) {}
}

export interface IncidentView {
  id: string;
  source: string;
  status: string;
  priority: number;
  riskLevel: string;
  reasons: string[];
  coded: boolean;
  contactPolicy: string;
  districtId: string | null;
  address: string;
  lat?: number;
  lon?: number;
  receivedAt: string;
  createdAt: string;
  ruleSet: { id: string; version: string; validFrom: string };
  timeline: Array<{ type: string; at: string; actorId: string | null }>;
  history: { priorIncidents12m: number; activeProtectiveOrders: number; priorArrests: number };
}
