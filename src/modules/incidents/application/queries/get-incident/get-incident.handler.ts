import { IQueryHandler, QueryBus, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { type HistorySignals } from '../../../../triage/domain/risk-assessment';
import { HistorySignalsQuery } from '../history-signals/history-signals.query';
import { GetIncidentQuery, type IncidentView } from './get-incident.query';

@QueryHandler(GetIncidentQuery)
export class GetIncidentHandler implements IQueryHandler<GetIncidentQuery, IncidentView | null> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly queries: QueryBus,
  ) {}

  async execute(query: GetIncidentQuery): Promise<IncidentView | null> {
    const db = this.uow.manager();
    const [i] = (await db.query(
      `SELECT i.*, r.version AS rule_version, r.valid_from AS rule_valid_from
       FROM incidents i JOIN rule_sets r ON r.id = i.triage_rule_set_id WHERE i.id = $1`,
      [query.incidentId],
    )) as Array<
      Record<string, unknown> & { received_at: Date; created_at: Date; rule_valid_from: Date }
    >;
    if (!i) return null;
    const timeline = (await db.query(
      `SELECT type, occurred_at, actor_id FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [query.incidentId],
    )) as Array<{ type: string; occurred_at: Date; actor_id: string | null }>;
    const { priorIncidents12m, activeProtectiveOrders, priorArrests } = await this.queries.execute<
      HistorySignalsQuery,
      HistorySignals
    >(
      new HistorySignalsQuery(
        i.id as string,
        i.address_norm as string,
        i.caller_phone as string | null,
        i.received_at,
      ),
    );
    return {
      id: i.id as string,
      source: i.source as string,
      status: i.status as string,
      priority: i.priority as number,
      riskLevel: i.risk_level as string,
      reasons: i.reasons as string[],
      coded: i.coded as boolean,
      contactPolicy: i.contact_policy as string,
      districtId: i.district_id as string | null,
      address: i.address as string,
      ...(i.lat !== null ? { lat: i.lat as number, lon: i.lon as number } : {}),
      receivedAt: i.received_at.toISOString(),
      createdAt: i.created_at.toISOString(),
      ruleSet: {
        id: i.triage_rule_set_id as string,
        version: i.rule_version as string,
        validFrom: i.rule_valid_from.toISOString(),
      },
      timeline: timeline.map((e) => ({
        type: e.type,
        at: e.occurred_at.toISOString(),
        actorId: e.actor_id,
      })),
      history: { priorIncidents12m, activeProtectiveOrders, priorArrests },
    };
  }
}
