import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
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
   * Earlier incidents at the same normalised address or from the same number in the 12 months
   * before this one. Orders and arrests join when the enforcement capability records them.
   */
  async execute(q: HistorySignalsQuery): Promise<HistorySignals> {
    const db = this.uow.manager();
    const windowDays = (await this.ruleSets.activeAt(db, 'triage', q.before)).number(
      'historyWindow.priorIncidents',
    );
    const [row] = (await db.query(
      `SELECT count(*)::int AS n FROM incidents
       WHERE id IS DISTINCT FROM $1
         AND received_at < $4 AND received_at >= $4 - make_interval(days => $5)
         AND (address_norm = $2 OR ($3::text IS NOT NULL AND caller_phone = $3))`,
      [q.excludeIncidentId, q.addressNorm, q.phone, q.before, windowDays],
    )) as Array<{ n: number }>;
    return { priorIncidents12m: row.n, activeProtectiveOrders: 0, priorArrests: 0 };
  }
}
