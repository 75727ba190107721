/** The shapes of the API answers the console reads (see /api/docs-json). */
export interface District {
  id: string;
  code: string;
  name: string;
  region: string;
}

export interface QueueItem {
  incidentId: string;
  priority: number;
  riskLevel: string;
  coded: boolean;
  waitingSeconds: number;
  overdue: boolean;
  districtId: string | null;
  address: string;
  reasons: string[];
  source: string;
  receivedAt: string;
}

export interface Unit {
  id: string;
  callSign: string;
  districtId: string;
  status: string;
  lat: number | null;
  lon: number | null;
  locationAt: string | null;
}

export interface Recommendation {
  unitId: string;
  callSign: string;
  districtId: string;
  distanceMeters: number | null;
  locationAgeSeconds: number | null;
  eligible: boolean;
  reason: string;
  reasonCode?: string;
}

export interface AssignmentView {
  assignmentId: string;
  incidentId: string;
  unitId: string;
  status: 'assigned' | 'en_route' | 'on_scene';
}

export interface Alert {
  id: string;
  kind: string;
  dueAt: string;
  firedAt: string;
  subject: { type: string; id: string };
  districtId: string | null;
  status: string;
}
