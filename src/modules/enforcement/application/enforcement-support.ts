import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { rowsOf } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { assertInScope } from '../../../common/district-scope';
import { DomainError } from '../../../common/domain-error';
import { type Principal } from '../../../common/roles';
import { AuditLog } from '../../audit/application/audit-log';
import {
  LinkPersonsCommand,
  type PersonRole,
} from '../../people/application/commands/link-persons/link-persons.command';
import { type LinkPersonsResult } from '../../people/application/commands/link-persons/link-persons.command';
import { parsePerson, type PersonInput } from '../../people/domain/person-input';
import { DeadlineEffects } from '../../deadlines/application/deadline-effects';
import { DeadlineScheduler, offset } from '../../deadlines/application/deadline-scheduler';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import { EnforcementRules } from '../domain/enforcement-rules';
import { nextRiskReviewAt } from '../domain/sanctions';

export interface ScopedIncident {
  id: string;
  districtId: string;
  receivedAt: Date;
}

export const ORDER_STREAM = 'protective_order';

/**
 * The rule behind a check-in's time, as GET /deadlines shows it. Special requirements' rhythm is
 * the court's (checks a month); the rule set only bounds it.
 */
const CHECK_IN_RULE_KEY = {
  protective_order: 'protectiveOrder.checkIntervalDays',
  warning: 'warning.checkIntervalDays',
  special_requirements: 'specialRequirements.maxCheckInsPerMonth',
  risk_review: 'riskReview.intervalHours.extreme',
} as const;

/** What every enforcement command needs: the law in force, the incident in scope, the people. */
@Injectable()
export class EnforcementSupport implements OnModuleInit {
  constructor(
    private readonly ruleSets: RuleSetRepository,
    private readonly commands: CommandBus,
    readonly events: EventStore,
    readonly audit: AuditLog,
    readonly deadlines: DeadlineScheduler,
    private readonly effects: DeadlineEffects,
  ) {}

  /** When an order's term runs out, the firing deadline expires it in the same transaction. */
  onModuleInit(): void {
    this.effects.register('order_expired', async (tx, orderId, now) => {
      const expired = await rowsOf<{ id: string }>(
        tx,
        `UPDATE protective_orders SET status = 'expired', updated_at = $2 WHERE id = $1 AND status = 'served'
         RETURNING id`,
        [orderId, now],
      );
      if (expired.length === 0) return;
      await this.endRegistration(tx, orderId, now, 'term ended');
      await this.events.append(tx, { id: orderId, type: ORDER_STREAM }, [
        { type: 'ProtectiveOrderExpired', payload: { orderId }, actorId: null, occurredAt: now },
      ]);
    });
  }

  /** Alerts before and at an order's end: expiring (a lead time before) and expired. */
  async scheduleOrderEnd(
    tx: EntityManager,
    o: { orderId: string; districtId: string; expiresAt: Date; now: Date },
  ): Promise<void> {
    const rules = await this.deadlines.rulesAt(tx, o.now);
    await this.deadlines.schedule(
      tx,
      [
        {
          kind: 'order_expiring',
          subjectType: 'protective_order',
          subjectId: o.orderId,
          districtId: o.districtId,
          dueAt: offset(o.expiresAt, rules, 'alert.orderExpiringLeadHours', 3600, -1),
          ruleSetId: rules.id,
          ruleKey: 'alert.orderExpiringLeadHours',
        },
        {
          kind: 'order_expired',
          subjectType: 'protective_order',
          subjectId: o.orderId,
          districtId: o.districtId,
          dueAt: o.expiresAt,
          ruleSetId: rules.id,
          ruleKey: 'protectiveOrder.termDays',
        },
      ],
      o.now,
    );
  }

  /**
   * A change to a record: its event on the record's stream (ids and decisions, no personal data)
   * and the audit row (who, what, from where), in the caller's transaction. The audit target is
   * the stream's record unless another is named (a check-in completed on its order's stream).
   */
  async record(
    tx: EntityManager,
    change: {
      stream: { id: string; type: string };
      event: { type: string; payload: Record<string, unknown> };
      actor: Principal;
      ip: string;
      action: string;
      target?: { type: string; id: string };
      details?: Record<string, unknown>;
    },
    at: Date,
  ): Promise<void> {
    await this.events.append(tx, change.stream, [
      { ...change.event, actorId: change.actor.id, occurredAt: at },
    ]);
    await this.audited(
      tx,
      change.actor,
      change.ip,
      change.action,
      change.target ?? change.stream,
      at,
      change.details,
    );
  }

  /** The audit row of a successful write: who, what, which record, from where (never the data). */
  async audited(
    tx: EntityManager,
    actor: Principal,
    ip: string,
    action: string,
    target: { type: string; id: string },
    at: Date,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.audit.record(tx, {
      actorId: actor.id,
      action,
      targetType: target.type,
      targetId: target.id,
      ip,
      outcome: 'success',
      ...(details ? { details } : {}),
      at,
    });
  }

  /** The enforcement rule set in force at the record's own date (not today's). */
  async rulesAt(tx: EntityManager, at: Date): Promise<EnforcementRules> {
    return new EnforcementRules(await this.ruleSets.activeAt(tx, 'enforcement', at));
  }

  async rulesById(tx: EntityManager, id: string): Promise<EnforcementRules> {
    const set = await this.ruleSets.byId(tx, id);
    if (!set) throw new DomainError('RULE_SET_MISSING', 'unavailable', 'Rule set not found');
    return new EnforcementRules(set);
  }

  /** An incident of the caller's districts; any other answers exactly as an unknown id. */
  async incidentInScope(
    tx: EntityManager,
    incidentId: string,
    principal: Principal,
  ): Promise<ScopedIncident> {
    const [row] = (await tx.query(
      `SELECT id, district_id, received_at FROM incidents WHERE id = $1`,
      [incidentId],
    )) as Array<{ id: string; district_id: string | null; received_at: Date }>;
    if (!row) throw DomainError.notFound('Incident');
    assertInScope(principal, row.district_id, { type: 'incident', id: row.id, what: 'Incident' });
    return { id: row.id, districtId: row.district_id!, receivedAt: row.received_at };
  }

  /** Finds or creates the person and links them to the incident (people module's command). */
  async linkPerson(
    incidentId: string,
    role: PersonRole,
    input: PersonInput,
    field: string,
    at: Date,
  ): Promise<string> {
    const person = parsePerson(input, field);
    const linked = (await this.commands.execute(
      new LinkPersonsCommand(incidentId, [{ role, person }], at),
    )) as LinkPersonsResult;
    return linked[0].personId;
  }

  /** The person with this IIN, if the service knows them. */
  /**
   * The person with this IIN if an incident of the caller's districts names them: a person known
   * only elsewhere answers exactly as an unknown one, so the lookup cannot probe the country.
   */
  async personByIin(tx: EntityManager, iin: string, districtIds: string[]): Promise<string | null> {
    const [row] = (await tx.query(
      `SELECT p.id FROM persons p
       WHERE p.iin = $1 AND EXISTS (
         SELECT 1 FROM incident_persons ip JOIN incidents i ON i.id = ip.incident_id
         WHERE ip.person_id = p.id AND i.district_id = ANY($2::uuid[]))`,
      [iin, districtIds],
    )) as Array<{ id: string }>;
    return row?.id ?? null;
  }

  /** The person's earlier penalties (arrests: from start to release), for the repeat window. */
  async penalties(tx: EntityManager, personId: string): Promise<Array<{ from: Date; to: Date }>> {
    const rows = (await tx.query(
      `SELECT starts_at, release_at FROM arrests WHERE offender_person_id = $1`,
      [personId],
    )) as Array<{ starts_at: Date; release_at: Date }>;
    return rows.map((r) => ({ from: r.starts_at, to: r.release_at }));
  }

  async scheduleCheckIns(
    tx: EntityManager,
    c: {
      subjectType: 'protective_order' | 'warning' | 'special_requirements' | 'risk_review';
      subjectId: string;
      personId: string;
      districtId: string;
      ruleSetId: string;
      dueAt: Date[];
      now: Date;
    },
  ): Promise<void> {
    // A record entered late (paper) gets check-ins from now on: those whose time passed before it
    // was entered would only raise "missed" alerts about a period nobody could act in.
    c = { ...c, dueAt: c.dueAt.filter((d) => d > c.now) };
    if (c.dueAt.length === 0) return;
    const ids = c.dueAt.map(() => randomUUID());
    await tx.query(
      `INSERT INTO check_ins (id, subject_type, subject_id, person_id, district_id, rule_set_id, due_at, created_at)
       SELECT i, $1, $2, $3, $4, $5, d, $7 FROM unnest($8::uuid[], $6::timestamptz[]) AS t(i, d)`,
      [c.subjectType, c.subjectId, c.personId, c.districtId, c.ruleSetId, c.dueAt, c.now, ids],
    );
    // Each check-in is announced a lead time before, and missed at its due time.
    const rules = await this.deadlines.rulesAt(tx, c.now);
    await this.deadlines.schedule(
      tx,
      ids.flatMap((id, i) => [
        {
          kind: 'check_in_due' as const,
          subjectType: 'check_in',
          subjectId: id,
          districtId: c.districtId,
          dueAt: offset(c.dueAt[i], rules, 'alert.checkInReminderLeadHours', 3600, -1),
          ruleSetId: rules.id,
          ruleKey: 'alert.checkInReminderLeadHours',
        },
        {
          kind: 'check_in_missed' as const,
          subjectType: 'check_in',
          subjectId: id,
          districtId: c.districtId,
          dueAt: c.dueAt[i],
          ruleSetId: c.ruleSetId,
          ruleKey: CHECK_IN_RULE_KEY[c.subjectType],
        },
      ]),
      c.now,
    );
  }

  /**
   * The victim's next risk review, at the VioGén rhythm of the incident's latest risk level; a
   * level nobody has assessed yet is reviewed at the shortest rhythm.
   */
  async scheduleRiskReview(
    tx: EntityManager,
    rules: EnforcementRules,
    r: {
      orderId: string;
      incidentId: string;
      victimId: string;
      districtId: string;
      from: Date;
      now: Date;
    },
  ): Promise<void> {
    const [row] = (await tx.query(`SELECT risk_level FROM incidents WHERE id = $1`, [
      r.incidentId,
    ])) as Array<{
      risk_level: string;
    }>;
    const level =
      (['low', 'medium', 'high', 'extreme'] as const).find((l) => l === row?.risk_level) ??
      'extreme';
    await this.scheduleCheckIns(tx, {
      subjectType: 'risk_review',
      subjectId: r.orderId,
      personId: r.victimId,
      districtId: r.districtId,
      ruleSetId: rules.ruleSet.id,
      dueAt: [nextRiskReviewAt(rules, level, r.from)],
      now: r.now,
    });
  }

  /** Cancels the pending check-ins of a record (of one kind only, when named) and their alerts. */
  async cancelCheckIns(
    tx: EntityManager,
    subjectId: string,
    now: Date,
    subjectType?: string,
  ): Promise<void> {
    const rows = await rowsOf<{ id: string }>(
      tx,
      `UPDATE check_ins SET status = 'cancelled'
       WHERE subject_id = $1 AND status = 'due' AND ($2::text IS NULL OR subject_type = $2) RETURNING id`,
      [subjectId, subjectType ?? null],
    );
    await this.deadlines.cancel(
      tx,
      rows.map((r) => r.id),
      'record changed',
      now,
    );
  }

  async register(
    tx: EntityManager,
    r: {
      personId: string;
      districtId: string;
      category: 'protective_order' | 'special_requirements' | 'official_warning';
      sourceId: string;
      from: Date;
      until: Date | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO preventive_registrations (id, person_id, district_id, category, source_id, registered_from, registered_until)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
       ON CONFLICT (category, source_id) DO UPDATE SET registered_from = EXCLUDED.registered_from,
         registered_until = EXCLUDED.registered_until`,
      [r.personId, r.districtId, r.category, r.sourceId, r.from, r.until],
    );
  }

  async endRegistration(
    tx: EntityManager,
    sourceId: string,
    at: Date,
    reason: string,
  ): Promise<void> {
    await tx.query(
      `UPDATE preventive_registrations SET ended_at = $2, ended_reason = $3
       WHERE source_id = $1 AND ended_at IS NULL`,
      [sourceId, at, reason],
    );
  }
}
