import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { distanceMeters } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import { type Recommendation, RecommendationsQuery } from './recommendations.query';

interface Candidate {
  id: string;
  call_sign: string;
  district_id: string;
  district_name: string;
  lat: number | null;
  lon: number | null;
  location_at: Date | null;
}

/**
 * Nearest available crews by great-circle distance. Crews of the incident's own district first;
 * only when none of them can go, crews of neighbouring districts (the same city or region).
 * Crews with no or a stale position are listed as not eligible, with the reason.
 */
@QueryHandler(RecommendationsQuery)
export class RecommendationsHandler implements IQueryHandler<
  RecommendationsQuery,
  Recommendation[]
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  async execute(q: RecommendationsQuery): Promise<Recommendation[]> {
    const db = this.uow.manager();
    const [incident] = (await db.query(
      `SELECT i.id, i.district_id, i.lat, i.lon, d.region FROM incidents i LEFT JOIN districts d ON d.id = i.district_id WHERE i.id = $1`,
      [q.incidentId],
    )) as Array<{
      id: string;
      district_id: string | null;
      lat: number | null;
      lon: number | null;
      region: string | null;
    }>;
    if (!incident) throw DomainError.notFound('Incident');
    if (!incident.district_id && q.principal.role === 'supervisor')
      throw DomainError.forbidden('This incident has no district yet');
    assertInScope(q.principal, incident.district_id, {
      type: 'incident',
      id: incident.id,
      what: 'Incident',
    });
    const staleSeconds = (await this.ruleSets.activeAt(db, 'dispatch', q.now)).number(
      'location.staleSeconds',
    );
    const candidates = (await db.query(
      `SELECT u.id, u.call_sign, u.district_id, d.name AS district_name, u.lat, u.lon, u.location_at
       FROM units u JOIN districts d ON d.id = u.district_id
       WHERE u.status = 'available' AND d.region = $1
         AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.unit_id = u.id AND a.status IN ('assigned', 'en_route', 'on_scene'))`,
      [incident.region],
    )) as Candidate[];

    const judged = candidates.map((u) => this.judge(u, incident, q.now, staleSeconds));
    const own = judged.filter((r) => r.districtId === incident.district_id);
    const pool = own.some((r) => r.eligible) ? own : judged;
    const neighbour = pool !== own;
    return pool
      .map((r) =>
        r.eligible && r.districtId !== incident.district_id && neighbour
          ? {
              ...r,
              reasonCode: 'neighbour_district' as const,
              reason: `No crew free in the incident's district: ${r.reason}`,
            }
          : r,
      )
      .sort(
        (a, b) =>
          Number(b.eligible) - Number(a.eligible) ||
          (a.distanceMeters ?? Number.MAX_SAFE_INTEGER) -
            (b.distanceMeters ?? Number.MAX_SAFE_INTEGER) ||
          a.callSign.localeCompare(b.callSign),
      );
  }

  private judge(
    u: Candidate,
    incident: { lat: number | null; lon: number | null },
    now: Date,
    staleSeconds: number,
  ): Recommendation & { districtName?: string } {
    const base = { unitId: u.id, callSign: u.call_sign, districtId: u.district_id };
    if (u.lat === null || u.lon === null || u.location_at === null) {
      return {
        ...base,
        distanceMeters: null,
        locationAgeSeconds: null,
        eligible: false,
        reasonCode: 'no_position',
        reason: 'No position reported',
      };
    }
    const age = Math.max(0, Math.round((now.getTime() - u.location_at.getTime()) / 1000));
    if (age > staleSeconds) {
      return {
        ...base,
        distanceMeters: null,
        locationAgeSeconds: age,
        eligible: false,
        reasonCode: 'location_stale',
        reason: `Position is ${age} s old (limit ${staleSeconds} s)`,
      };
    }
    const distance =
      incident.lat !== null && incident.lon !== null
        ? distanceMeters({ lat: u.lat, lon: u.lon }, { lat: incident.lat, lon: incident.lon })
        : null;
    const where = distance === null ? 'incident has no coordinates' : `${distance} m away`;
    return {
      ...base,
      distanceMeters: distance,
      locationAgeSeconds: age,
      eligible: true,
      reasonCode: 'available',
      reason: `Available in ${u.district_name}, ${where}`,
    };
  }
}
