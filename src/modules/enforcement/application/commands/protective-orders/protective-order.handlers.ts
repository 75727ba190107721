import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '@app/kz';
import { pgErrorCode, PG_UNIQUE_VIOLATION, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { type Principal } from '../../../../../common/roles';
import { ruleRefusal } from '../../../domain/enforcement.errors';
import {
  assertCanRecordViolation,
  assertCanRevoke,
  orderStatusAt,
  type OrderState,
  planOrderIssue,
  serveOrder,
} from '../../../domain/protective-order';
import {
  assertNotBeforeIncident,
  checkInSchedule,
  checkRecordDate,
  isRepeatOffence,
} from '../../../domain/sanctions';
import { offset } from '../../../../deadlines/application/deadline-scheduler';
import { VictimNotifier } from '../../../../notifications/application/victim-notifier';
import { EnforcementSupport, ORDER_STREAM } from '../../enforcement-support';
import {
  IssueProtectiveOrderCommand,
  type ProtectiveOrderView,
  RecordOrderViolationCommand,
  RevokeProtectiveOrderCommand,
  ServeProtectiveOrderCommand,
} from './protective-order.commands';

interface OrderRow {
  id: string;
  incident_id: string;
  district_id: string;
  offender_person_id: string;
  victim_person_id: string;
  rule_set_id: string;
  status: OrderState['status'];
  term_days: number;
  issued_at: Date;
  served_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  prohibitions: string[];
  victim_opinion: string;
  repeat_offender: boolean;
}

const stateOf = (r: OrderRow): OrderState => ({
  status: r.status,
  issuedAt: r.issued_at,
  servedAt: r.served_at,
  expiresAt: r.expires_at,
  termDays: r.term_days,
});

/** Reads one order as the API shows it: status as of now, violations, next check, rule set. */
export async function loadOrderView(
  tx: EntityManager,
  id: string,
  now: Date,
): Promise<ProtectiveOrderView> {
  const [row] = (await tx.query(
    `SELECT o.*, r.valid_from AS rs_valid_from, r.version AS rs_version,
       (SELECT min(c.due_at) FROM check_ins c WHERE c.subject_id = o.id AND c.status = 'due'
          AND c.subject_type = 'protective_order') AS next_check,
       (SELECT min(c.due_at) FROM check_ins c WHERE c.subject_id = o.id AND c.status = 'due'
          AND c.subject_type = 'risk_review') AS next_review,
       COALESCE((SELECT json_agg(json_build_object('incidentId', v.incident_id, 'caseArticle', v.case_article,
                 'recordedAt', v.recorded_at) ORDER BY v.recorded_at) FROM order_violations v
                 WHERE v.order_id = o.id), '[]') AS violations
     FROM protective_orders o JOIN rule_sets r ON r.id = o.rule_set_id WHERE o.id = $1`,
    [id],
  )) as Array<
    OrderRow & {
      rs_valid_from: Date;
      rs_version: string;
      next_check: Date | null;
      next_review: Date | null;
      violations: Array<{ incidentId: string; caseArticle: string; recordedAt: string }>;
    }
  >;
  if (!row) throw DomainError.notFound('Protective order');
  return {
    id: row.id,
    incidentId: row.incident_id,
    districtId: row.district_id,
    status: orderStatusAt(stateOf(row), now),
    termDays: row.term_days,
    issuedAt: row.issued_at.toISOString(),
    servedAt: row.served_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    prohibitions: row.prohibitions,
    victimOpinion: row.victim_opinion,
    ruleSet: {
      id: row.rule_set_id,
      validFrom: row.rs_valid_from.toISOString(),
      version: row.rs_version,
    },
    nextCheckDueAt: row.next_check ? new Date(row.next_check).toISOString() : null,
    nextRiskReviewDueAt: row.next_review ? new Date(row.next_review).toISOString() : null,
    repeatOffender: row.repeat_offender,
    violations: row.violations.map((v) => ({
      ...v,
      recordedAt: new Date(v.recordedAt).toISOString(),
    })),
  };
}

/** Locks an order of the caller's districts; any other answers exactly as an unknown id. */
async function lockOrder(tx: EntityManager, id: string, principal: Principal): Promise<OrderRow> {
  const [row] = (await tx.query(`SELECT * FROM protective_orders WHERE id = $1 FOR UPDATE`, [
    id,
  ])) as OrderRow[];
  if (!row) throw DomainError.notFound('Protective order');
  assertInScope(principal, row.district_id, {
    type: 'protective_order',
    id: row.id,
    what: 'Protective order',
  });
  return row;
}

@CommandHandler(IssueProtectiveOrderCommand)
export class IssueProtectiveOrderHandler implements ICommandHandler<
  IssueProtectiveOrderCommand,
  ProtectiveOrderView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute({
    principal,
    ip,
    input,
  }: IssueProtectiveOrderCommand): Promise<ProtectiveOrderView> {
    const now = this.clock.now();
    try {
      return await this.uow.run(async (tx) => {
        const incident = await this.support.incidentInScope(tx, input.incidentId, principal);
        // The law in force on the day the order was issued decides it, whenever it is entered.
        const rules = await this.support.rulesAt(tx, input.issuedAt);
        checkRecordDate(rules, 'issuedAt', input.issuedAt, now, input.backdateReason);
        assertNotBeforeIncident('issuedAt', input.issuedAt, incident.receivedAt);
        const plan = planOrderIssue(rules, {
          issuedAt: input.issuedAt,
          offenderIin: input.offender.iin,
          termDays: input.termDays,
        });
        const offenderId = await this.support.linkPerson(
          incident.id,
          'offender',
          input.offender,
          'offender',
          now,
        );
        const victimId = await this.support.linkPerson(
          incident.id,
          'victim',
          input.victim,
          'victim',
          now,
        );
        if (offenderId === victimId)
          throw DomainError.validation(
            'victim',
            'SAME_PERSON',
            'The victim and the offender are the same person',
          );

        // An order whose term ran out is expired even if no job has marked it yet.
        const active = (await tx.query(
          `SELECT * FROM protective_orders WHERE offender_person_id = $1 AND victim_person_id = $2
             AND status IN ('issued', 'served') FOR UPDATE`,
          [offenderId, victimId],
        )) as OrderRow[];
        for (const prior of active) {
          if (orderStatusAt(stateOf(prior), input.issuedAt) !== 'expired')
            throw orderAlreadyActive();
          await tx.query(
            `UPDATE protective_orders SET status = 'expired', updated_at = $2 WHERE id = $1`,
            [prior.id, now],
          );
          await this.support.events.append(tx, { id: prior.id, type: ORDER_STREAM }, [
            {
              type: 'ProtectiveOrderExpired',
              payload: { orderId: prior.id },
              actorId: null,
              occurredAt: now,
            },
          ]);
        }

        const id = randomUUID();
        const repeat = isRepeatOffence(
          rules,
          await this.support.penalties(tx, offenderId),
          input.issuedAt,
        );
        await tx.query(
          `INSERT INTO protective_orders (id, incident_id, district_id, offender_person_id, victim_person_id,
             rule_set_id, status, term_days, issued_at, expires_at, prohibitions, victim_opinion,
             repeat_offender, backdate_reason, issued_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, 'issued', $7, $8, $9, $10, $11, $15, $12, $13, $14, $14)`,
          [
            id,
            incident.id,
            incident.districtId,
            offenderId,
            victimId,
            rules.ruleSet.id,
            plan.termDays,
            input.issuedAt,
            plan.expiresAt,
            input.prohibitions,
            input.victimOpinion,
            input.backdateReason ?? null,
            principal.id,
            now,
            repeat,
          ],
        );
        if (plan.expiresAt && plan.nextCheckDueAt)
          await this.support.scheduleCheckIns(tx, {
            subjectType: 'protective_order',
            subjectId: id,
            personId: offenderId,
            districtId: incident.districtId,
            ruleSetId: rules.ruleSet.id,
            dueAt: checkInSchedule(input.issuedAt, plan.expiresAt, rules.orderCheckIntervalDays),
            now,
          });
        await this.support.scheduleRiskReview(tx, rules, {
          orderId: id,
          incidentId: incident.id,
          victimId,
          districtId: incident.districtId,
          from: input.issuedAt,
          now,
        });
        await this.support.register(tx, {
          personId: offenderId,
          districtId: incident.districtId,
          category: 'protective_order',
          sourceId: id,
          from: input.issuedAt,
          until: plan.expiresAt,
        });
        if (plan.expiresAt) {
          await this.support.scheduleOrderEnd(tx, {
            orderId: id,
            districtId: incident.districtId,
            expiresAt: plan.expiresAt,
            now,
          });
        } else {
          // The term runs from delivery: an order nobody served protects nobody, so it is watched.
          const deadlineRules = await this.support.deadlines.rulesAt(tx, now);
          await this.support.deadlines.schedule(
            tx,
            [
              {
                kind: 'order_not_served',
                subjectType: 'protective_order',
                subjectId: id,
                districtId: incident.districtId,
                dueAt: offset(input.issuedAt, deadlineRules, 'alert.orderNotServedHours', 3600),
                ruleSetId: deadlineRules.id,
                ruleKey: 'alert.orderNotServedHours',
              },
            ],
            now,
          );
        }
        await this.support.record(
          tx,
          {
            stream: { id, type: ORDER_STREAM },
            event: {
              type: 'ProtectiveOrderIssued',
              payload: {
                orderId: id,
                incidentId: incident.id,
                districtId: incident.districtId,
                offenderPersonId: offenderId,
                victimPersonId: victimId,
                ruleSetId: rules.ruleSet.id,
                termDays: plan.termDays,
                issuedAt: input.issuedAt.toISOString(),
                backdated: Boolean(input.backdateReason),
                repeatOffender: repeat,
              },
            },
            actor: principal,
            ip: ip,
            action: 'protective_order.issue',
            details: { incidentId: incident.id, ruleSetId: rules.ruleSet.id },
          },
          now,
        );
        return loadOrderView(tx, id, now);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw orderAlreadyActive();
      throw error;
    }
  }
}

function orderAlreadyActive(): DomainError {
  return ruleRefusal(
    'ORDER_ALREADY_ACTIVE',
    'offender',
    'An order for this offender and victim is already in force; extend or replace it instead',
  );
}

@CommandHandler(ServeProtectiveOrderCommand)
export class ServeProtectiveOrderHandler implements ICommandHandler<
  ServeProtectiveOrderCommand,
  ProtectiveOrderView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
    private readonly notifier: VictimNotifier,
  ) {}

  async execute(c: ServeProtectiveOrderCommand): Promise<ProtectiveOrderView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const order = await lockOrder(tx, c.orderId, c.principal);
      // The order keeps the rule set it was issued under.
      const rules = await this.support.rulesById(tx, order.rule_set_id);
      checkRecordDate(rules, 'servedAt', c.servedAt, now, c.backdateReason);
      const served = serveOrder(rules, stateOf(order), c.servedAt);
      await tx.query(
        `UPDATE protective_orders SET status = 'served', served_at = $2, expires_at = $3, updated_at = $4
         WHERE id = $1`,
        [order.id, served.servedAt, served.expiresAt, now],
      );
      await this.support.cancelCheckIns(tx, order.id, now, 'protective_order');
      await this.support.deadlines.cancel(tx, [order.id], 'served', now, ['order_not_served']);
      // The victim learns the protection has started, at her safe contact only (same transaction).
      await this.notifier.notify(
        tx,
        {
          kind: 'order_served',
          source: { type: 'protective_order', id: order.id },
          subjectId: order.id,
        },
        now,
      );
      await this.support.scheduleOrderEnd(tx, {
        orderId: order.id,
        districtId: order.district_id,
        expiresAt: served.expiresAt,
        now,
      });
      await this.support.scheduleCheckIns(tx, {
        subjectType: 'protective_order',
        subjectId: order.id,
        personId: order.offender_person_id,
        districtId: order.district_id,
        ruleSetId: order.rule_set_id,
        dueAt: checkInSchedule(served.servedAt, served.expiresAt, rules.orderCheckIntervalDays),
        now,
      });
      await this.support.register(tx, {
        personId: order.offender_person_id,
        districtId: order.district_id,
        category: 'protective_order',
        sourceId: order.id,
        from: order.issued_at,
        until: served.expiresAt,
      });
      await this.support.record(
        tx,
        {
          stream: { id: order.id, type: ORDER_STREAM },
          event: {
            type: 'ProtectiveOrderServed',
            payload: {
              orderId: order.id,
              servedAt: served.servedAt.toISOString(),
              expiresAt: served.expiresAt.toISOString(),
              backdated: Boolean(c.backdateReason),
            },
          },
          actor: c.principal,
          ip: c.ip,
          action: 'protective_order.serve',
        },
        now,
      );
      return loadOrderView(tx, order.id, now);
    });
  }
}

@CommandHandler(RecordOrderViolationCommand)
export class RecordOrderViolationHandler implements ICommandHandler<
  RecordOrderViolationCommand,
  ProtectiveOrderView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute(c: RecordOrderViolationCommand): Promise<ProtectiveOrderView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const order = await lockOrder(tx, c.orderId, c.principal);
      const incident = await this.support.incidentInScope(tx, c.incidentId, c.principal);
      if (incident.id === order.incident_id)
        throw ruleRefusal(
          'VIOLATION_SAME_INCIDENT',
          'incidentId',
          'A violation is a later incident, not the one the order was issued for',
        );
      assertCanRecordViolation(stateOf(order), incident.receivedAt);
      // The case is opened under the law in force when the violation happened.
      const rules = await this.support.rulesAt(tx, incident.receivedAt);
      const inserted = (await tx.query(
        `INSERT INTO order_violations (id, order_id, incident_id, case_article, rule_set_id, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (order_id, incident_id) DO NOTHING RETURNING id`,
        [
          randomUUID(),
          order.id,
          incident.id,
          rules.violationArticle,
          rules.ruleSet.id,
          c.principal.id,
          now,
        ],
      )) as Array<{ id: string }>;
      if (inserted.length > 0) {
        await this.support.record(
          tx,
          {
            stream: { id: order.id, type: ORDER_STREAM },
            event: {
              type: 'ProtectiveOrderViolated',
              payload: {
                orderId: order.id,
                incidentId: incident.id,
                caseArticle: rules.violationArticle,
                ruleSetId: rules.ruleSet.id,
              },
            },
            actor: c.principal,
            ip: c.ip,
            action: 'protective_order.violation',
            details: { incidentId: incident.id },
          },
          now,
        );
      }
      return loadOrderView(tx, order.id, now);
    });
  }
}

@CommandHandler(RevokeProtectiveOrderCommand)
export class RevokeProtectiveOrderHandler implements ICommandHandler<
  RevokeProtectiveOrderCommand,
  ProtectiveOrderView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute(c: RevokeProtectiveOrderCommand): Promise<ProtectiveOrderView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const order = await lockOrder(tx, c.orderId, c.principal);
      assertCanRevoke(stateOf(order), now);
      await tx.query(
        `UPDATE protective_orders SET status = 'revoked', revoked_at = $2, revoke_reason = $3, updated_at = $2
         WHERE id = $1`,
        [order.id, now, c.reason],
      );
      await this.support.cancelCheckIns(tx, order.id, now);
      await this.support.deadlines.cancel(tx, [order.id], 'revoked', now);
      await this.support.endRegistration(tx, order.id, now, 'order revoked');
      // The reason is free text and may name people: it stays in the row, not in the event.
      await this.support.record(
        tx,
        {
          stream: { id: order.id, type: ORDER_STREAM },
          event: { type: 'ProtectiveOrderRevoked', payload: { orderId: order.id } },
          actor: c.principal,
          ip: c.ip,
          action: 'protective_order.revoke',
        },
        now,
      );
      return loadOrderView(tx, order.id, now);
    });
  }
}
