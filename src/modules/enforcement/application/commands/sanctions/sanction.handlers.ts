import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../../../common/domain-error';
import { type EnforcementRules } from '../../../domain/enforcement-rules';
import {
  assertNotBeforeIncident,
  checkInSchedule,
  checkRecordDate,
  isRepeatOffence,
  planArrest,
  planSpecialRequirements,
  planWarning,
} from '../../../domain/sanctions';
import { offset } from '../../../../deadlines/application/deadline-scheduler';
import { EnforcementSupport } from '../../enforcement-support';
import { type RuleSetRef } from '../protective-orders/protective-order.commands';
import {
  type ArrestView,
  IssueWarningCommand,
  RecordArrestCommand,
  RecordSpecialRequirementsCommand,
  type SpecialRequirementsView,
  type WarningView,
} from './sanction.commands';

const refOf = (rules: EnforcementRules): RuleSetRef => ({
  id: rules.ruleSet.id,
  validFrom: rules.ruleSet.validFrom.toISOString(),
  version: rules.ruleSet.version,
});

const first = (dates: Date[]) => dates[0]?.toISOString() ?? null;

@CommandHandler(IssueWarningCommand)
export class IssueWarningHandler implements ICommandHandler<IssueWarningCommand, WarningView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, ip, input }: IssueWarningCommand): Promise<WarningView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const incident = await this.support.incidentInScope(tx, input.incidentId, principal);
      const rules = await this.support.rulesAt(tx, input.issuedAt);
      checkRecordDate(rules, 'issuedAt', input.issuedAt, now, input.backdateReason);
      assertNotBeforeIncident('issuedAt', input.issuedAt, incident.receivedAt);
      const offenderId = await this.support.linkPerson(
        incident.id,
        'offender',
        input.offender,
        'offender',
        now,
      );
      const plan = planWarning(rules, input.issuedAt);
      const repeat = isRepeatOffence(
        rules,
        await this.support.penalties(tx, offenderId),
        input.issuedAt,
      );
      const id = randomUUID();
      await tx.query(
        `INSERT INTO warnings (id, incident_id, district_id, offender_person_id, rule_set_id, issued_at,
           valid_until, repeat_offender, backdate_reason, issued_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          incident.id,
          incident.districtId,
          offenderId,
          rules.ruleSet.id,
          input.issuedAt,
          plan.validUntil,
          repeat,
          input.backdateReason ?? null,
          principal.id,
          now,
        ],
      );
      const dueAt = checkInSchedule(input.issuedAt, plan.validUntil, plan.checkInIntervalDays);
      await this.support.scheduleCheckIns(tx, {
        subjectType: 'warning',
        subjectId: id,
        personId: offenderId,
        districtId: incident.districtId,
        ruleSetId: rules.ruleSet.id,
        dueAt,
        now,
      });
      await this.support.register(tx, {
        personId: offenderId,
        districtId: incident.districtId,
        category: 'official_warning',
        sourceId: id,
        from: input.issuedAt,
        until: plan.validUntil,
      });
      await this.support.record(
        tx,
        {
          stream: { id, type: 'warning' },
          event: {
            type: 'OfficialWarningIssued',
            payload: {
              warningId: id,
              incidentId: incident.id,
              offenderPersonId: offenderId,
              ruleSetId: rules.ruleSet.id,
              issuedAt: input.issuedAt.toISOString(),
              repeatOffender: repeat,
            },
          },
          actor: principal,
          ip: ip,
          action: 'warning.issue',
          details: { incidentId: incident.id },
        },
        now,
      );
      return {
        id,
        incidentId: incident.id,
        districtId: incident.districtId,
        issuedAt: input.issuedAt.toISOString(),
        validUntil: plan.validUntil.toISOString(),
        repeatOffender: repeat,
        ruleSet: refOf(rules),
        nextCheckDueAt: first(dueAt.filter((d) => d > now)),
      };
    });
  }
}

/**
 * The offender named by IIN must be a person of an incident in the caller's districts; one known
 * only elsewhere answers like an unknown one.
 */
async function offenderByIin(
  support: EnforcementSupport,
  tx: EntityManager,
  iin: string,
  districtIds: string[],
): Promise<string> {
  const id = await support.personByIin(tx, iin, districtIds);
  if (!id)
    throw DomainError.validation(
      'offenderIin',
      'PERSON_UNKNOWN',
      'No person with that IIN is recorded in your districts',
    );
  return id;
}

@CommandHandler(RecordArrestCommand)
export class RecordArrestHandler implements ICommandHandler<RecordArrestCommand, ArrestView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly support: EnforcementSupport,
    private readonly clock: Clock,
  ) {}

  async execute({ principal, ip, input }: RecordArrestCommand): Promise<ArrestView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const incident = await this.support.incidentInScope(tx, input.incidentId, principal);
      const rules = await this.support.rulesAt(tx, input.startsAt);
      checkRecordDate(rules, 'startsAt', input.startsAt, now, input.backdateReason);
      const plan = planArrest(rules, {
        days: input.days,
        startsAt: input.startsAt,
        offenderIin: input.offenderIin,
      });
      const offenderId = await this.support.linkPerson(
        incident.id,
        'offender',
        { iin: input.offenderIin },
        'offender',
        now,
      );
      const repeat = isRepeatOffence(
        rules,
        await this.support.penalties(tx, offenderId),
        input.startsAt,
      );
      const id = randomUUID();
      await tx.query(
        `INSERT INTO arrests (id, incident_id, district_id, offender_person_id, rule_set_id, court_decision_ref,
           days, starts_at, release_at, repeat_offender, backdate_reason, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          incident.id,
          incident.districtId,
          offenderId,
          rules.ruleSet.id,
          input.courtDecisionRef,
          input.days,
          input.startsAt,
          plan.releaseAt,
          repeat,
          input.backdateReason ?? null,
          principal.id,
          now,
        ],
      );
      // The victim must know before he is out: an alert a lead time before release, and at release.
      const deadlineRules = await this.support.deadlines.rulesAt(tx, now);
      await this.support.deadlines.schedule(
        tx,
        [
          {
            kind: 'arrest_release_upcoming',
            subjectType: 'arrest',
            subjectId: id,
            districtId: incident.districtId,
            dueAt: offset(plan.releaseAt, deadlineRules, 'alert.arrestReleaseLeadHours', 3600, -1),
            ruleSetId: deadlineRules.id,
            ruleKey: 'alert.arrestReleaseLeadHours',
          },
          {
            kind: 'offender_released',
            subjectType: 'arrest',
            subjectId: id,
            districtId: incident.districtId,
            dueAt: plan.releaseAt,
            ruleSetId: rules.ruleSet.id,
            // The release time is the court's decision (days from the start), not a rule value.
            ruleKey: 'courtDecision.days',
          },
        ],
        now,
      );
      await this.support.record(
        tx,
        {
          stream: { id, type: 'arrest' },
          event: {
            type: 'AdministrativeArrestRecorded',
            payload: {
              arrestId: id,
              incidentId: incident.id,
              offenderPersonId: offenderId,
              ruleSetId: rules.ruleSet.id,
              days: input.days,
              startsAt: input.startsAt.toISOString(),
              releaseAt: plan.releaseAt.toISOString(),
              repeatOffender: repeat,
            },
          },
          actor: principal,
          ip: ip,
          action: 'arrest.record',
          details: { incidentId: incident.id },
        },
        now,
      );
      return {
        id,
        incidentId: incident.id,
        districtId: incident.districtId,
        days: input.days,
        startsAt: input.startsAt.toISOString(),
        releaseAt: plan.releaseAt.toISOString(),
        repeatOffender: repeat,
        ruleSet: refOf(rules),
      };
    });
  }
}

@CommandHandler(RecordSpecialRequirementsCommand)
export class RecordSpecialRequirementsHandler implements ICommandHandler<
  RecordSpecialRequirementsCommand,
  SpecialRequirementsView
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
  }: RecordSpecialRequirementsCommand): Promise<SpecialRequirementsView> {
    const now = this.clock.now();
    const districtId =
      input.districtId ?? (principal.districtIds.length === 1 ? principal.districtIds[0] : null);
    if (!districtId)
      throw DomainError.validation(
        'districtId',
        'DISTRICT_REQUIRED',
        'districtId is required: you serve several districts',
      );
    if (!principal.districtIds.includes(districtId))
      throw DomainError.validation(
        'districtId',
        'DISTRICT_NOT_YOURS',
        'districtId is not one of your districts',
      );
    return this.uow.run(async (tx) => {
      const rules = await this.support.rulesAt(tx, input.startsAt);
      checkRecordDate(rules, 'startsAt', input.startsAt, now, input.backdateReason);
      const plan = planSpecialRequirements(rules, input);
      const offenderId = await offenderByIin(
        this.support,
        tx,
        input.offenderIin,
        principal.districtIds,
      );
      const id = randomUUID();
      await tx.query(
        `INSERT INTO special_requirements (id, district_id, offender_person_id, rule_set_id, court_decision_ref,
           starts_at, ends_at, months, check_ins_per_month, prohibitions, backdate_reason, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          districtId,
          offenderId,
          rules.ruleSet.id,
          input.courtDecisionRef,
          input.startsAt,
          plan.endsAt,
          input.months,
          input.checkInsPerMonth,
          input.prohibitions,
          input.backdateReason ?? null,
          principal.id,
          now,
        ],
      );
      const dueAt = checkInSchedule(input.startsAt, plan.endsAt, plan.checkInIntervalDays);
      await this.support.scheduleCheckIns(tx, {
        subjectType: 'special_requirements',
        subjectId: id,
        personId: offenderId,
        districtId,
        ruleSetId: rules.ruleSet.id,
        dueAt,
        now,
      });
      // Special requirements place the person on preventive registration for their term.
      await this.support.register(tx, {
        personId: offenderId,
        districtId,
        category: 'special_requirements',
        sourceId: id,
        from: input.startsAt,
        until: plan.endsAt,
      });
      await this.support.record(
        tx,
        {
          stream: { id, type: 'special_requirements' },
          event: {
            type: 'SpecialRequirementsRecorded',
            payload: {
              specialRequirementsId: id,
              offenderPersonId: offenderId,
              districtId,
              ruleSetId: rules.ruleSet.id,
              startsAt: input.startsAt.toISOString(),
              endsAt: plan.endsAt.toISOString(),
              months: input.months,
              checkInsPerMonth: input.checkInsPerMonth,
            },
          },
          actor: principal,
          ip: ip,
          action: 'special_requirements.record',
        },
        now,
      );
      return {
        id,
        districtId,
        startsAt: input.startsAt.toISOString(),
        endsAt: plan.endsAt.toISOString(),
        months: input.months,
        checkInsPerMonth: input.checkInsPerMonth,
        prohibitions: input.prohibitions,
        ruleSet: refOf(rules),
        nextCheckDueAt: first(dueAt.filter((d) => d > now)),
      };
    });
  }
}
