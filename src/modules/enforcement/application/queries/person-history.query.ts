import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';

/** A person's enforcement records in the given districts, oldest first within each kind. */
export class PersonEnforcementHistoryQuery {
  constructor(
    readonly personId: string,
    readonly districtIds: string[],
  ) {}
}

export interface PersonEnforcementHistory {
  warnings: unknown[];
  protectiveOrders: unknown[];
  arrests: unknown[];
  specialRequirements: unknown[];
  registration: unknown[];
  checkIns: unknown[];
}

/**
 * One statement: warnings, orders (as offender or as the protected victim, with violations),
 * arrests, special requirements, preventive registration and check-ins — of the caller's
 * districts only. An order's status is as of now (a served order past its end is expired).
 */
@QueryHandler(PersonEnforcementHistoryQuery)
export class PersonEnforcementHistoryHandler implements IQueryHandler<
  PersonEnforcementHistoryQuery,
  PersonEnforcementHistory
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async execute(q: PersonEnforcementHistoryQuery): Promise<PersonEnforcementHistory> {
    const [row] = (await this.uow.manager().query(
      `SELECT
         COALESCE((SELECT json_agg(json_build_object('id', w.id, 'incidentId', w.incident_id,
             'districtId', w.district_id, 'issuedAt', w.issued_at, 'validUntil', w.valid_until,
             'repeatOffender', w.repeat_offender, 'ruleSetId', w.rule_set_id) ORDER BY w.issued_at)
           FROM warnings w WHERE w.offender_person_id = $1 AND w.district_id = ANY($2::uuid[])), '[]') AS warnings,
         COALESCE((SELECT json_agg(json_build_object('id', o.id, 'incidentId', o.incident_id,
             'districtId', o.district_id,
             'role', CASE WHEN o.offender_person_id = $1 THEN 'offender' ELSE 'victim' END,
             'status', CASE WHEN o.status = 'served' AND o.expires_at <= $3 THEN 'expired' ELSE o.status END,
             'issuedAt', o.issued_at, 'servedAt', o.served_at, 'expiresAt', o.expires_at,
             'revokedAt', o.revoked_at, 'ruleSetId', o.rule_set_id,
             'violations', COALESCE((SELECT json_agg(json_build_object('incidentId', v.incident_id,
                 'caseArticle', v.case_article, 'recordedAt', v.recorded_at) ORDER BY v.recorded_at)
               FROM order_violations v WHERE v.order_id = o.id), '[]')) ORDER BY o.issued_at)
           FROM protective_orders o
           WHERE (o.offender_person_id = $1 OR o.victim_person_id = $1)
             AND o.district_id = ANY($2::uuid[])), '[]') AS protective_orders,
         COALESCE((SELECT json_agg(json_build_object('id', a.id, 'incidentId', a.incident_id,
             'districtId', a.district_id, 'days', a.days, 'startsAt', a.starts_at,
             'releaseAt', a.release_at, 'repeatOffender', a.repeat_offender) ORDER BY a.starts_at)
           FROM arrests a WHERE a.offender_person_id = $1 AND a.district_id = ANY($2::uuid[])), '[]') AS arrests,
         COALESCE((SELECT json_agg(json_build_object('id', s.id, 'districtId', s.district_id,
             'startsAt', s.starts_at, 'endsAt', s.ends_at, 'months', s.months,
             'checkInsPerMonth', s.check_ins_per_month) ORDER BY s.starts_at)
           FROM special_requirements s WHERE s.offender_person_id = $1
             AND s.district_id = ANY($2::uuid[])), '[]') AS special_requirements,
         COALESCE((SELECT json_agg(json_build_object('category', r.category, 'districtId', r.district_id,
             'sourceId', r.source_id, 'from', r.registered_from, 'until', r.registered_until,
             'endedAt', r.ended_at, 'endedReason', r.ended_reason) ORDER BY r.registered_from)
           FROM preventive_registrations r WHERE r.person_id = $1
             AND r.district_id = ANY($2::uuid[])), '[]') AS registration,
         COALESCE((SELECT json_agg(json_build_object('id', c.id, 'subject',
             json_build_object('type', c.subject_type, 'id', c.subject_id), 'dueAt', c.due_at,
             'status', c.status, 'completedAt', c.completed_at, 'outcome', c.outcome) ORDER BY c.due_at)
           FROM check_ins c WHERE c.person_id = $1 AND c.district_id = ANY($2::uuid[])), '[]') AS check_ins`,
      [q.personId, q.districtIds, this.clock.now()],
    )) as Array<{
      warnings: unknown[];
      protective_orders: unknown[];
      arrests: unknown[];
      special_requirements: unknown[];
      registration: unknown[];
      check_ins: unknown[];
    }>;
    return {
      warnings: row.warnings,
      protectiveOrders: row.protective_orders,
      arrests: row.arrests,
      specialRequirements: row.special_requirements,
      registration: row.registration,
      checkIns: row.check_ins,
    };
  }
}
