import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { preparedQuery, UnitOfWork } from '@app/persistence';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import { type HistorySignals } from '../../../../triage/domain/risk-assessment';
import { HistorySignalsQuery } from './history-signals.query';

@QueryHandler(HistorySignalsQuery)
export class HistorySignalsHandler implements IQueryHandler<HistorySignalsQuery, HistorySignals> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  /**
   * Earlier incidents within the rule set's window at the same normalised address, from the same
   * number, or involving the same victim, offender or applicant (by IIN, else by phone and name,
   * as the people module keys persons) — each incident counted once, however it matched, and
   * across districts: counts travel, personal details do not. One statement.
   * Orders in force and earlier arrests of the named offender come from the same statement; an
   * order in force against the named offender makes the call a possible violation.
   */
  async execute(q: HistorySignalsQuery): Promise<HistorySignals> {
    const db = this.uow.manager();
    const windowDays = (await this.ruleSets.activeAt(db, 'triage', q.before)).number(
      'historyWindow.priorIncidents',
    );
    // Planning this statement costs about four times its execution: prepared once per connection.
    const [row] = (await preparedQuery(
      db,
      'history_signals_v1',
      `WITH given AS (
         SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[]) AS g(role, iin, phone, name_norm)
       ), named AS (
         SELECT p.id AS person_id, g.role FROM given g JOIN persons p ON p.iin = g.iin::char(12)
         UNION
         SELECT p.id, g.role FROM given g JOIN persons p
           ON g.iin IS NULL AND p.iin IS NULL AND p.phone = g.phone
          AND p.full_name_norm IS NOT DISTINCT FROM g.name_norm
         UNION
         SELECT person_id, role FROM incident_persons WHERE incident_id = $1
       ), hits AS (
         SELECT id, 'place' AS via, received_at FROM incidents WHERE address_norm = $2
         UNION ALL
         SELECT id, 'place', received_at FROM incidents WHERE $3::text IS NOT NULL AND caller_phone = $3
         UNION ALL
         SELECT i.id, n.role, i.received_at FROM named n
           JOIN incident_persons ip ON ip.person_id = n.person_id
           JOIN incidents i ON i.id = ip.incident_id
       ), active_orders AS (
         -- Orders in force against the named offender, protecting the named victim, or issued
         -- for an incident at this address or number (a silent call from there is P1).
         SELECT o.id, o.issued_at,
                o.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender')
                  AS against_named_offender
         FROM protective_orders o
         WHERE o.status IN ('issued', 'served') AND o.issued_at <= $4
           AND (o.expires_at IS NULL OR o.expires_at > $4)
           AND (o.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender')
                OR o.victim_person_id IN (SELECT person_id FROM named WHERE role = 'victim')
                OR o.incident_id IN (SELECT id FROM incidents WHERE address_norm = $2
                                     OR ($3::text IS NOT NULL AND caller_phone = $3)))
       )
       SELECT count(DISTINCT id)::int AS n,
              count(DISTINCT id) FILTER (WHERE via = 'place')::int AS place,
              count(DISTINCT id) FILTER (WHERE via = 'victim')::int AS victim,
              count(DISTINCT id) FILTER (WHERE via = 'offender')::int AS offender,
              count(DISTINCT id) FILTER (WHERE via = 'applicant')::int AS applicant,
              (SELECT count(*)::int FROM active_orders) AS active_orders,
              (SELECT id FROM active_orders WHERE against_named_offender
                 ORDER BY issued_at DESC LIMIT 1) AS violated_order_id,
              (SELECT count(*)::int FROM arrests a
                 WHERE a.offender_person_id IN (SELECT person_id FROM named WHERE role = 'offender')
                   AND a.starts_at < $4) AS prior_arrests
       FROM hits
       WHERE id IS DISTINCT FROM $1
         AND received_at < $4 AND received_at >= $4 - make_interval(days => $5)`,
      [
        q.excludeIncidentId,
        q.addressNorm,
        q.phone,
        q.before,
        windowDays,
        q.people.map((p) => p.role),
        q.people.map((p) => p.iin),
        q.people.map((p) => p.phone),
        q.people.map((p) => p.fullNameNorm),
      ],
    )) as Array<{
      n: number;
      place: number;
      victim: number;
      offender: number;
      applicant: number;
      active_orders: number;
      violated_order_id: string | null;
      prior_arrests: number;
    }>;
    const { n, active_orders, violated_order_id, prior_arrests, ...by } = row;
    return {
      priorIncidents12m: n,
      activeProtectiveOrders: active_orders,
      priorArrests: prior_arrests,
      priorIncidentsBy: by,
      possibleViolationOrderId: violated_order_id,
    };
  }
}
