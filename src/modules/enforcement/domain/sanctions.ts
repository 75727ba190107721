import { DomainError } from '../../../common/domain-error';
import { ageOn, checkIin, endOfTermInDays, endOfTermInMonths, kzLocalDate } from '@app/kz';
import { type EnforcementRules, type RiskReviewLevel } from './enforcement-rules';
import { ruleRefusal } from './enforcement.errors';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Administrative arrest (from a court decision): counted in days (сутки) from its start. */
export function planArrest(
  rules: EnforcementRules,
  input: { days: number; startsAt: Date; offenderIin?: string },
): { releaseAt: Date } {
  if (input.offenderIin) {
    const iin = checkIin(input.offenderIin);
    if (
      iin.valid &&
      ageOn(iin.birthDate, kzLocalDate(input.startsAt)) < rules.arrestMinOffenderAgeYears
    )
      throw ruleRefusal(
        'OFFENDER_UNDER_MIN_AGE',
        'offenderIin',
        `Administrative arrest applies to persons aged ${rules.arrestMinOffenderAgeYears} or over`,
      );
  }
  if (!Number.isInteger(input.days) || input.days < 1)
    throw ruleRefusal('DURATION_INVALID', 'days', 'days must be a whole number ≥ 1');
  if (input.days > rules.arrestMaxDays)
    throw ruleRefusal(
      'DURATION_EXCEEDS_MAXIMUM',
      'days',
      `days exceeds the maximum of ${rules.arrestMaxDays} of the rule set in force`,
    );
  return { releaseAt: new Date(input.startsAt.getTime() + input.days * DAY_MS) };
}

/** Court-ordered special requirements (КоАП Art. 54): months and check-ins within the law. */
export function planSpecialRequirements(
  rules: EnforcementRules,
  input: { startsAt: Date; months: number; checkInsPerMonth: number },
): { endsAt: Date; checkInIntervalDays: number } {
  const months = rules.specialRequirementsMonths;
  if (!Number.isInteger(input.months) || input.months < months.min || input.months > months.max)
    throw ruleRefusal(
      'DURATION_OUT_OF_RANGE',
      'months',
      `months must be between ${months.min} and ${months.max} under the rule set in force`,
    );
  const perMonth = rules.specialRequirementsCheckInsPerMonth;
  if (
    !Number.isInteger(input.checkInsPerMonth) ||
    input.checkInsPerMonth < perMonth.min ||
    input.checkInsPerMonth > perMonth.max
  )
    throw ruleRefusal(
      'CHECK_INS_OUT_OF_RANGE',
      'checkInsPerMonth',
      `checkInsPerMonth must be between ${perMonth.min} and ${perMonth.max} under the rule set in force`,
    );
  return {
    endsAt: endOfTermInMonths(input.startsAt, input.months),
    // n check-ins a month → one at least every floor(30 / n) days (30, 15, 10 or 7 days).
    checkInIntervalDays: Math.floor(30 / input.checkInsPerMonth),
  };
}

/** An official warning: valid for the rule set's period, checked at its rhythm. */
export function planWarning(
  rules: EnforcementRules,
  issuedAt: Date,
): { validUntil: Date; checkInIntervalDays: number } {
  return {
    validUntil: endOfTermInDays(issuedAt, rules.warningValidityDays),
    checkInIntervalDays: rules.warningCheckIntervalDays,
  };
}

/**
 * Check-ins every `intervalDays` local calendar days from `from`, each due at 24:00 of its day,
 * up to and including the end of the record; the last one is never after `until`.
 */
export function checkInSchedule(from: Date, until: Date, intervalDays: number): Date[] {
  if (!(intervalDays >= 1)) throw new RangeError('intervalDays must be ≥ 1');
  const due: Date[] = [];
  for (let n = 1; ; n += 1) {
    const at = endOfTermInDays(from, n * intervalDays);
    if (at > until) break;
    due.push(at);
  }
  if (due.length === 0 || due[due.length - 1].getTime() !== until.getTime()) due.push(until);
  return due;
}

/** VioGén-style rhythm: the next risk review of the victim after an assessment at `at`. */
export function nextRiskReviewAt(rules: EnforcementRules, level: RiskReviewLevel, at: Date): Date {
  return new Date(at.getTime() + rules.riskReviewIntervalHours(level) * HOUR_MS);
}

/**
 * A person counts as penalised ("repeat") from a penalty's start, while it runs, and for the rule
 * set's window after it was served.
 */
export function isRepeatOffence(
  rules: EnforcementRules,
  penalties: Array<{ from: Date; to: Date }>,
  at: Date,
): boolean {
  const windowMs = rules.repeatOffenceWindowDays * DAY_MS;
  return penalties.some((p) => p.from <= at && at.getTime() - p.to.getTime() <= windowMs);
}

/**
 * A record dated in the past beyond what the rule set allows (paper records entered late) needs a
 * reason, which is kept; one dated in the future is refused.
 */
export function checkRecordDate(
  rules: EnforcementRules,
  field: string,
  at: Date,
  now: Date,
  backdateReason: string | undefined,
  clockSkewMs = 60_000,
): void {
  if (at.getTime() > now.getTime() + clockSkewMs)
    throw DomainError.validation(field, 'IN_FUTURE', `${field} is in the future`);
  if (now.getTime() - at.getTime() > rules.backdateWithoutReasonSeconds * 1000 && !backdateReason)
    throw ruleRefusal(
      'BACKDATE_REASON_REQUIRED',
      'backdateReason',
      `${field} is more than ${rules.backdateWithoutReasonSeconds} s in the past; give a backdateReason`,
    );
}

/**
 * A record cannot predate its incident; consoles and paper send whole seconds and their clocks
 * drift, so a minute's tolerance (as for dates in the future) keeps a same-second order valid.
 */
export function assertNotBeforeIncident(
  field: string,
  at: Date,
  incidentReceivedAt: Date,
  clockSkewMs = 60_000,
): void {
  if (at.getTime() < incidentReceivedAt.getTime() - clockSkewMs)
    throw DomainError.validation(field, 'BEFORE_INCIDENT', `${field} is before the incident`);
}
