import { CommandHandler, type ICommandHandler, IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../common/domain-error';
import { type Principal } from '../../../common/roles';
import { AuditLog } from '../../audit/application/audit-log';
import { ALERT_STREAM } from '../domain/alert-kinds';
import { DeadlineScheduler } from './deadline-scheduler';

export interface AlertView {
  id: string;
  kind: string;
  dueAt: string;
  firedAt: string;
  subject: { type: string; id: string };
  districtId: string | null;
  status: 'open' | 'acknowledged';
  acknowledgedAt: string | null;
}

interface AlertRow {
  id: string;
  kind: string;
  due_at: Date;
  fired_at: Date;
  subject_type: string;
  subject_id: string;
  district_id: string | null;
  status: 'open' | 'acknowledged';
  acknowledged_at: Date | null;
  audience: string[];
}

const toView = (r: AlertRow): AlertView => ({
  id: r.id,
  kind: r.kind,
  dueAt: r.due_at.toISOString(),
  firedAt: r.fired_at.toISOString(),
  subject: { type: r.subject_type, id: r.subject_id },
  districtId: r.district_id,
  status: r.status,
  acknowledgedAt: r.acknowledged_at?.toISOString() ?? null,
});

/**
 * An alert is the caller's when it is addressed to their role and one of their districts;
 * prosecutors read every alert of their districts. Alerts with no district (a web report nobody
 * has routed) go to supervisors.
 */
const INBOX_WHERE = `($1 = 'prosecutor' OR $1 = ANY(a.audience))
  AND (a.district_id = ANY($2::uuid[]) OR (a.district_id IS NULL AND $1 IN ('supervisor', 'prosecutor')))`;

export class ListAlertsQuery {
  constructor(
    readonly principal: Principal,
    readonly filter: {
      status?: string;
      kind?: string;
      subjectId?: string;
      limit: number;
      /** An alert id: the page continues after it (newest first). */
      cursor?: string;
    },
  ) {}
}

@QueryHandler(ListAlertsQuery)
export class ListAlertsHandler implements IQueryHandler<ListAlertsQuery, AlertView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute({ principal, filter }: ListAlertsQuery): Promise<AlertView[]> {
    const rows = (await this.uow.manager().query(
      `SELECT a.* FROM alerts a WHERE ${INBOX_WHERE}
         AND ($3::text IS NULL OR a.status = $3) AND ($4::text IS NULL OR a.kind = $4)
         AND ($6::uuid IS NULL OR a.subject_id = $6)
         AND ($7::uuid IS NULL OR (a.fired_at, a.id) < (SELECT c.fired_at, c.id FROM alerts c WHERE c.id = $7))
       ORDER BY a.fired_at DESC, a.id DESC LIMIT $5`,
      [
        principal.role,
        principal.districtIds,
        filter.status ?? null,
        filter.kind ?? null,
        filter.limit,
        filter.subjectId ?? null,
        filter.cursor ?? null,
      ],
    )) as AlertRow[];
    return rows.map(toView);
  }
}

export class AcknowledgeAlertCommand {
  constructor(
    readonly principal: Principal,
    readonly ip: string,
    readonly alertId: string,
  ) {}
}

@CommandHandler(AcknowledgeAlertCommand)
export class AcknowledgeAlertHandler implements ICommandHandler<
  AcknowledgeAlertCommand,
  AlertView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly scheduler: DeadlineScheduler,
    private readonly audit: AuditLog,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(c: AcknowledgeAlertCommand): Promise<AlertView> {
    const now = this.clock.now();
    if (c.principal.role === 'prosecutor')
      throw DomainError.forbidden('Prosecutors read alerts, they do not act on them');
    return this.uow.run(async (tx) => {
      const [row] = (await tx.query(
        `SELECT a.* FROM alerts a WHERE a.id = $3 AND ${INBOX_WHERE} FOR UPDATE`,
        [c.principal.role, c.principal.districtIds, c.alertId],
      )) as AlertRow[];
      if (!row) throw DomainError.notFound('Alert');
      // Acknowledging twice changes nothing.
      if (row.status === 'acknowledged') return toView(row);
      const [updated] = await rowsOf<AlertRow>(
        tx,
        `UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3 WHERE id = $1 RETURNING *`,
        [row.id, now, c.principal.id],
      );
      await this.scheduler.cancel(tx, [row.id], 'acknowledged', now, ['alert_unacknowledged']);
      // Its escalation (already raised to the supervisor) is answered by this acknowledgement too.
      await tx.query(
        `UPDATE alerts SET status = 'acknowledged', acknowledged_at = $2, acknowledged_by = $3
         WHERE subject_id = $1 AND kind = 'alert_unacknowledged' AND status = 'open'`,
        [row.id, now, c.principal.id],
      );
      await this.events.append(tx, { id: row.id, type: ALERT_STREAM }, [
        {
          type: 'AlertAcknowledged',
          payload: { alertId: row.id, kind: row.kind },
          actorId: c.principal.id,
          occurredAt: now,
        },
      ]);
      await this.audit.record(tx, {
        actorId: c.principal.id,
        action: 'alert.acknowledge',
        targetType: 'alert',
        targetId: row.id,
        ip: c.ip,
        outcome: 'success',
        details: { kind: row.kind },
        at: now,
      });
      return toView(updated);
    });
  }
}

export interface DeadlineView {
  id: string;
  kind: string;
  subject: { type: string; id: string };
  dueAt: string;
  state: 'pending' | 'fired' | 'cancelled';
  settledAt: string | null;
  settledReason: string | null;
  rule: {
    ruleSetId: string;
    kind: string;
    version: string;
    key: string;
    value: unknown;
    unit?: string;
    citation?: string;
  };
}

export class ListDeadlinesQuery {
  constructor(
    readonly principal: Principal,
    readonly subjectId: string,
  ) {}
}

@QueryHandler(ListDeadlinesQuery)
export class ListDeadlinesHandler implements IQueryHandler<ListDeadlinesQuery, DeadlineView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  /** A record's deadlines (and those of its check-ins and alerts) with the rule behind each. */
  async execute({ principal, subjectId }: ListDeadlinesQuery): Promise<DeadlineView[]> {
    const rows = (await this.uow.manager().query(
      `SELECT d.*, r.kind AS rs_kind, r.version AS rs_version, r.values -> d.rule_key AS rule_value
       FROM deadlines d JOIN rule_sets r ON r.id = d.rule_set_id
       WHERE (d.subject_id = $1
              OR d.subject_id IN (SELECT id FROM check_ins WHERE subject_id = $1)
              OR d.subject_id IN (SELECT id FROM alerts WHERE subject_id = $1))
         AND d.district_id = ANY($2::uuid[])
       ORDER BY d.due_at, d.id`,
      [subjectId, principal.districtIds],
    )) as Array<{
      id: string;
      kind: string;
      subject_type: string;
      subject_id: string;
      due_at: Date;
      state: DeadlineView['state'];
      settled_at: Date | null;
      settled_reason: string | null;
      rule_set_id: string;
      rule_key: string;
      rs_kind: string;
      rs_version: string;
      rule_value: { value: unknown; unit?: string; citation?: string } | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      subject: { type: r.subject_type, id: r.subject_id },
      dueAt: r.due_at.toISOString(),
      state: r.state,
      settledAt: r.settled_at?.toISOString() ?? null,
      settledReason: r.settled_reason,
      rule: {
        ruleSetId: r.rule_set_id,
        kind: r.rs_kind,
        version: r.rs_version,
        key: r.rule_key,
        value: r.rule_value?.value ?? null,
        unit: r.rule_value?.unit,
        citation: r.rule_value?.citation,
      },
    }));
  }
}
