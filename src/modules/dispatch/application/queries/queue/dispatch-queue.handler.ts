import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { assertDistrictAccess } from '../../../../../common/district-scope';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import { DispatchQueueQuery, type QueueItem } from './dispatch-queue.query';

@QueryHandler(DispatchQueueQuery)
export class DispatchQueueHandler implements IQueryHandler<DispatchQueueQuery, QueueItem[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  /**
   * Undispatched incidents of the caller's districts: by priority, then longest waiting. Within a
   * priority the overdue ones (waited past the aging limit) are exactly the oldest, so they come
   * first without a sort on a computed column, and the partial index on open incidents serves it.
   */
  async execute(q: DispatchQueueQuery): Promise<QueueItem[]> {
    const db = this.uow.manager();
    if (q.districtId) assertDistrictAccess(q.principal, q.districtId);
    const districts = q.districtId ? [q.districtId] : q.principal.districtIds;
    const rules = await this.ruleSets.activeAt(db, 'dispatch', q.now);
    const aging = [1, 2, 3, 4].map((p) => rules.number(`queue.agingSeconds.p${p}`));
    const rows = (await db.query(
      `SELECT id, priority, risk_level, coded, district_id, address, reasons, source, received_at,
              GREATEST(0, EXTRACT(EPOCH FROM ($2::timestamptz - received_at)))::int AS waiting,
              (EXTRACT(EPOCH FROM ($2::timestamptz - received_at)) > ($3::int[])[priority]) AS overdue
       FROM incidents
       WHERE status = 'open' AND (district_id = ANY($1::uuid[]) OR ($5 AND district_id IS NULL))
       ORDER BY priority, received_at, id
       LIMIT $4`,
      // Supervisors also see incidents no district has claimed yet, to route them.
      [districts, q.now, aging, q.limit, q.principal.role === 'supervisor' && !q.districtId],
    )) as Array<{
      id: string;
      priority: number;
      risk_level: string;
      coded: boolean;
      district_id: string | null;
      address: string;
      reasons: string[];
      source: string;
      received_at: Date;
      waiting: number;
      overdue: boolean;
    }>;
    return rows.map((r) => ({
      incidentId: r.id,
      priority: r.priority,
      riskLevel: r.risk_level,
      coded: r.coded,
      waitingSeconds: r.waiting,
      overdue: r.overdue,
      districtId: r.district_id,
      address: r.address,
      reasons: r.reasons,
      source: r.source,
      receivedAt: r.received_at.toISOString(),
    }));
  }
}
