import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { assertDistrictAccess } from '../../../../../common/district-scope';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import { DispatchQueueQuery, type QueueItem } from './dispatch-queue.query';

/** Bounded: a console shows the head of the queue; thousands of rows help nobody. */
const QUEUE_LIMIT = 500;

@QueryHandler(DispatchQueueQuery)
export class DispatchQueueHandler implements IQueryHandler<DispatchQueueQuery, QueueItem[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  /**
   * Undispatched incidents of the caller's districts: by priority; within a priority, those past
   * the aging limit first; then the longest waiting.
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
       WHERE status = 'open' AND district_id = ANY($1::uuid[])
       ORDER BY priority, overdue DESC, received_at, id
       LIMIT $4`,
      [districts, q.now, aging, QUEUE_LIMIT],
    )) as Array<{
      id: string;
      priority: number;
      risk_level: string;
      coded: boolean;
      district_id: string;
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
