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
  /** Stable, for consoles: `reason` is the sentence a dispatcher reads. */
  reasonCode: RecommendationReason;
  reason: string;
}

/**
 * `available`: free, fresh position, in the incident's district (or the district's crews are all
 * unable to go and it is lent from a neighbour: `neighbour_district`). A crew that cannot be
 * recommended is still listed: `no_position` (never reported one) or `location_stale` (older
 * than the dispatch rule set's `location.staleSeconds`).
 */
export type RecommendationReason =
  'available' | 'neighbour_district' | 'no_position' | 'location_stale';
