import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import {
  type DeadlineComplianceReport,
  DeadlineComplianceQuery,
  type DeadlineComplianceRow,
} from './deadline-compliance.query';
import { ReportLimiter } from './report-limiter';

/** The inspector answerable for a check-in: whoever issued the record it checks. */
const CHECK_IN_OWNER = (c: string, alias: string) => `
  LEFT JOIN protective_orders ${alias}o ON ${c}.subject_type = 'protective_order' AND ${alias}o.id = ${c}.subject_id
  LEFT JOIN warnings ${alias}w ON ${c}.subject_type = 'warning' AND ${alias}w.id = ${c}.subject_id
  LEFT JOIN special_requirements ${alias}s ON ${c}.subject_type = 'special_requirements' AND ${alias}s.id = ${c}.subject_id`;

/**
 * Each limit is the one the obligation was given when it arose (its deadline row names the rule
 * set), never re-read from today's policy:
 * - an order is due for service at its `order_not_served` deadline: served after it is late, not
 *   served by it (and not revoked before it) is never served;
 * - a check-in is due at its due time: not completed by then is missed (completed late counts too);
 * - an alert that escalates has an `alert_unacknowledged` deadline: acknowledged after it is late.
 * Obligations are taken by when they fell due (alerts by when they fired) within [from, to).
 */
const SQL = `
  WITH items AS (
    SELECT o.district_id, o.issued_by AS inspector_id, 1 AS orders_due,
           COALESCE(o.served_at > d.due_at, false)::int AS orders_served_late,
           (o.served_at IS NULL AND d.due_at <= $4 AND (o.revoked_at IS NULL OR o.revoked_at > d.due_at))::int AS orders_never_served,
           0 AS check_ins_due, 0 AS check_ins_missed, 0 AS check_ins_completed_late,
           0 AS alerts_with_threshold, 0 AS alerts_ack_late, 0 AS alerts_never_ack
    FROM deadlines d JOIN protective_orders o ON o.id = d.subject_id
    WHERE d.kind = 'order_not_served' AND d.due_at >= $1 AND d.due_at < $2 AND o.district_id = ANY($3::uuid[])
      AND (o.revoked_at IS NULL OR o.revoked_at > d.due_at)
    UNION ALL
    SELECT c.district_id, COALESCE(co.issued_by, cw.issued_by, cs.recorded_by), 0, 0, 0, 1,
           ((c.status = 'due' AND c.due_at <= $4) OR COALESCE(c.status = 'completed' AND c.completed_at > c.due_at, false))::int,
           COALESCE(c.status = 'completed' AND c.completed_at > c.due_at, false)::int,
           0, 0, 0
    FROM check_ins c ${CHECK_IN_OWNER('c', 'c')}
    WHERE c.status <> 'cancelled' AND c.due_at >= $1 AND c.due_at < $2 AND c.district_id = ANY($3::uuid[])
    UNION ALL
    SELECT a.district_id, COALESCE(ao.issued_by, io.issued_by, iw.issued_by, isr.recorded_by), 0, 0, 0, 0, 0, 0, 1,
           COALESCE(a.acknowledged_at > e.due_at, false)::int,
           (a.status = 'open' AND e.due_at <= $4)::int
    FROM alerts a
    JOIN deadlines e ON e.kind = 'alert_unacknowledged' AND e.subject_id = a.id
    LEFT JOIN protective_orders ao ON a.subject_type = 'protective_order' AND ao.id = a.subject_id
    LEFT JOIN check_ins ci ON a.subject_type = 'check_in' AND ci.id = a.subject_id
    LEFT JOIN protective_orders io ON ci.subject_type = 'protective_order' AND io.id = ci.subject_id
    LEFT JOIN warnings iw ON ci.subject_type = 'warning' AND iw.id = ci.subject_id
    LEFT JOIN special_requirements isr ON ci.subject_type = 'special_requirements' AND isr.id = ci.subject_id
    WHERE a.fired_at >= $1 AND a.fired_at < $2 AND a.district_id = ANY($3::uuid[])
  )
  SELECT i.district_id, dd.name AS district_name, i.inspector_id, u.username AS inspector_username,
         sum(orders_due)::int AS orders_due, sum(orders_served_late)::int AS orders_served_late,
         sum(orders_never_served)::int AS orders_never_served, sum(check_ins_due)::int AS check_ins_due,
         sum(check_ins_missed)::int AS check_ins_missed, sum(check_ins_completed_late)::int AS check_ins_completed_late,
         sum(alerts_with_threshold)::int AS alerts_with_threshold, sum(alerts_ack_late)::int AS alerts_ack_late,
         sum(alerts_never_ack)::int AS alerts_never_ack
  FROM items i JOIN districts dd ON dd.id = i.district_id LEFT JOIN users u ON u.id = i.inspector_id
  GROUP BY i.district_id, dd.name, i.inspector_id, u.username
  ORDER BY dd.name, u.username NULLS LAST, i.inspector_id`;

@QueryHandler(DeadlineComplianceQuery)
export class DeadlineComplianceHandler implements IQueryHandler<
  DeadlineComplianceQuery,
  DeadlineComplianceReport
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly limiter: ReportLimiter,
  ) {}

  async execute(q: DeadlineComplianceQuery): Promise<DeadlineComplianceReport> {
    // One row per district and inspector: bounded by the staff, so no group cap; the timeout holds.
    const rows = await this.limiter.transaction(
      this.uow,
      async (tx) =>
        (await tx.query(SQL, [q.from, q.to, q.districtIds, q.now])) as Array<
          Record<string, unknown>
        >,
    );
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      asOf: q.now.toISOString(),
      rows: rows.map((r): DeadlineComplianceRow => ({
        districtId: r.district_id as string,
        districtName: r.district_name as string,
        inspectorId: (r.inspector_id as string | null) ?? null,
        inspectorUsername: (r.inspector_username as string | null) ?? null,
        ordersDue: r.orders_due as number,
        ordersServedLate: r.orders_served_late as number,
        ordersNeverServed: r.orders_never_served as number,
        checkInsDue: r.check_ins_due as number,
        checkInsMissed: r.check_ins_missed as number,
        checkInsCompletedLate: r.check_ins_completed_late as number,
        alertsWithThreshold: r.alerts_with_threshold as number,
        alertsAcknowledgedLate: r.alerts_ack_late as number,
        alertsNeverAcknowledged: r.alerts_never_ack as number,
      })),
    };
  }
}
