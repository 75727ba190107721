import { type Principal } from '../../../../../common/roles';

export class RecommendationsQuery {
  constructor(
    readonly principal: Principal,
    readonly incidentId: string,
    readonly now: Date,
  ) {}
}

export interface Recommendation {
  unitId: string;
  callSign: string;
  districtId: string;
  distanceMeters: number | null;
  locationAgeSeconds: number | null;
  /** false: listed only to say why it is not recommended. */
  eligible: boolean;
  reason: string;
}
