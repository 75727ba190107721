import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock, normalizePhone } from '@app/kz';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { assertInScope, OutOfScopeError } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { invalidTransition, ruleRefusal } from '../../../domain/enforcement.errors';
import { checkRecordDate } from '../../../domain/sanctions';
import {
  codedCallNumbers,
  dialableNumbers,
} from '../../../../notifications/application/safe-channel';
import { EnforcementSupport } from '../../enforcement-support';
import {
  CompleteCheckInCommand,
  type CheckInView,
  RecordSafeContactCommand,
  type SafeContactView,
} from './check-in.commands';

interface CheckInRow {
  id: string;
  subject_type: string;
  subject_id: string;
  person_id: string;
  district_id: string;
  rule_set_id: string;
  due_at: Date;
  status: CheckInView['status'];
  completed_at: Date | null;
  outcome: string | null;
}

export const toCheckInView = (r: CheckInRow, now: Date): CheckInView => ({
  id: r.id,
  subject: { type: r.subject_type, id: r.subject_id },
  personId: r.person_id,
  districtId: r.district_id,
  dueAt: r.due_at.toISOString(),
  status: r.status,
  overdue: r.status === 'due' && r.due_at < now,
  completedAt: r.completed_at?.toISOString() ?? null,
  outcome: r.outcome,
});

@CommandHandler(CompleteCheckInCommand)
export class CompleteCheckInHandler implements ICommandHandler<
  CompleteCheckInCommand,
  CheckInView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute(c: CompleteCheckInCommand): Promise<CheckInView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const [row] = (await tx.query(`SELECT * FROM check_ins WHERE id = $1 FOR UPDATE`, [
        c.checkInId,
      ])) as CheckInRow[];
      if (!row) throw DomainError.notFound('Check-in');
      assertInScope(c.principal, row.district_id, {
        type: 'check_in',
        id: row.id,
        what: 'Check-in',
      });
      if (row.status !== 'due')
        throw invalidTransition(`A check-in that is ${row.status} cannot be completed`);
      const rules = await this.support.rulesById(tx, row.rule_set_id);
      checkRecordDate(rules, 'at', c.at, now, c.backdateReason);
      // A check-in is done while its record exists: not before the order, warning or requirement.
      const [record] = (await tx.query(
        `SELECT COALESCE(
           (SELECT issued_at FROM protective_orders WHERE id = $1),
           (SELECT issued_at FROM warnings WHERE id = $1),
           (SELECT starts_at FROM special_requirements WHERE id = $1)) AS started_at`,
        [row.subject_id],
      )) as Array<{ started_at: Date | null }>;
      if (record?.started_at && c.at < record.started_at)
        throw ruleRefusal(
          'BEFORE_RECORD',
          'at',
          'at is before the record this check-in belongs to',
        );
      const [updated] = await rowsOf<CheckInRow>(
        tx,
        `UPDATE check_ins SET status = 'completed', completed_at = $2, outcome = $3, notes = $4, completed_by = $5
         WHERE id = $1 RETURNING *`,
        [row.id, c.at, c.outcome, c.notes ?? null, c.principal.id],
      );
      await this.support.deadlines.cancel(tx, [row.id], 'completed', now);
      if (row.subject_type === 'risk_review') await this.nextRiskReview(tx, row, c.at, now);
      await this.support.record(
        tx,
        {
          stream: { id: row.subject_id, type: streamTypeOf(row.subject_type) },
          event: {
            type: 'CheckInCompleted',
            payload: {
              checkInId: row.id,
              dueAt: row.due_at.toISOString(),
              at: c.at.toISOString(),
              outcome: c.outcome,
            },
          },
          actor: c.principal,
          ip: c.ip,
          action: 'check_in.complete',
          target: { type: 'check_in', id: row.id },
        },
        now,
      );
      return toCheckInView(updated, now);
    });
  }

  /** While the order protects her, the next review follows at the rhythm of the latest risk level. */
  private async nextRiskReview(
    tx: EntityManager,
    row: CheckInRow,
    at: Date,
    now: Date,
  ): Promise<void> {
    const [order] = (await tx.query(
      `SELECT id, incident_id, victim_person_id, district_id, rule_set_id, status, expires_at
       FROM protective_orders WHERE id = $1`,
      [row.subject_id],
    )) as Array<{
      id: string;
      incident_id: string;
      victim_person_id: string;
      district_id: string;
      rule_set_id: string;
      status: string;
      expires_at: Date | null;
    }>;
    const active =
      order && (order.status === 'issued' || (order.status === 'served' && order.expires_at! > at));
    if (!active) return;
    await this.support.scheduleRiskReview(tx, await this.support.rulesById(tx, order.rule_set_id), {
      orderId: order.id,
      incidentId: order.incident_id,
      victimId: order.victim_person_id,
      districtId: order.district_id,
      from: at,
      now,
    });
  }
}

/** Risk reviews are recorded on the order's stream; other check-ins on their record's. */
const streamTypeOf = (subjectType: string) =>
  subjectType === 'risk_review' ? 'protective_order' : subjectType;

/** A person is the caller's when an incident of the caller's districts names them. */
export async function assertPersonInScope(
  tx: EntityManager,
  personId: string,
  districtIds: string[],
): Promise<void> {
  const [row] = (await tx.query(
    `SELECT 1 FROM incident_persons ip JOIN incidents i ON i.id = ip.incident_id
     WHERE ip.person_id = $1 AND i.district_id = ANY($2::uuid[]) LIMIT 1`,
    [personId, districtIds],
  )) as unknown[];
  if (row) return;
  const [known] = (await tx.query(`SELECT 1 FROM persons WHERE id = $1`, [personId])) as unknown[];
  if (!known) throw DomainError.notFound('Person');
  throw new OutOfScopeError({ type: 'person', id: personId, what: 'Person' });
}

@CommandHandler(RecordSafeContactCommand)
export class RecordSafeContactHandler implements ICommandHandler<
  RecordSafeContactCommand,
  SafeContactView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute(c: RecordSafeContactCommand): Promise<SafeContactView> {
    const now = this.clock.now();
    if (c.consentAt.getTime() > now.getTime() + 60_000)
      throw DomainError.validation('consentAt', 'IN_FUTURE', 'consentAt is in the future');
    let value = c.value.trim();
    if (c.channel === 'phone') {
      const phone = normalizePhone(value);
      if (!phone)
        throw DomainError.validation('value', 'PHONE_INVALID', 'value is not a valid phone number');
      value = phone;
    }
    return this.uow.run(async (tx) => {
      await assertPersonInScope(tx, c.personId, c.principal.districtIds);
      // Only a victim has a safe contact: never the offender's (or a mere applicant's) record.
      const [victim] = (await tx.query(
        `SELECT 1 FROM incident_persons ip JOIN incidents i ON i.id = ip.incident_id
         WHERE ip.person_id = $1 AND ip.role = 'victim' AND i.district_id = ANY($2::uuid[]) LIMIT 1`,
        [c.personId, c.principal.districtIds],
      )) as unknown[];
      if (!victim)
        throw ruleRefusal(
          'NOT_A_VICTIM',
          'personId',
          'A safe contact is recorded for a victim of an incident in your districts only',
        );
      // The number of any coded call (however it is written, or inside a crisis centre's text)
      // may be the abuser's phone: refused. The number is never echoed back.
      if ((await codedCallNumbers(tx, dialableNumbers(value))).size > 0)
        throw ruleRefusal(
          'SAFE_CONTACT_IS_CODED_CALL_NUMBER',
          'value',
          'This is the number of a coded call and cannot be a safe contact',
        );
      const id = randomUUID();
      await tx.query(
        `INSERT INTO safe_contacts (id, person_id, channel, value, consent_at, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, c.personId, c.channel, value, c.consentAt, c.principal.id, now],
      );
      // The contact itself is personal data: the event names only the channel.
      await this.support.record(
        tx,
        {
          stream: { id: c.personId, type: 'person' },
          event: {
            type: 'SafeContactRecorded',
            payload: {
              safeContactId: id,
              personId: c.personId,
              channel: c.channel,
              consentAt: c.consentAt.toISOString(),
            },
          },
          actor: c.principal,
          ip: c.ip,
          action: 'person.safe_contact',
          details: { channel: c.channel },
        },
        now,
      );
      return { id, personId: c.personId, channel: c.channel, consentAt: c.consentAt.toISOString() };
    });
  }
}
