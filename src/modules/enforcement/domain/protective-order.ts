import { DomainError } from '../../../common/domain-error';
import { ageOn, checkIin, endOfTermInDays, kzLocalDate } from '@app/kz';
import { type EnforcementRules } from './enforcement-rules';
import { invalidTransition, ruleRefusal } from './enforcement.errors';

export type OrderStatus = 'issued' | 'served' | 'expired' | 'revoked';

export interface OrderState {
  status: OrderStatus;
  issuedAt: Date;
  servedAt: Date | null;
  expiresAt: Date | null;
  termDays: number;
}

export interface OrderPlan {
  termDays: number;
  /** Null while the term runs from delivery and the order is not yet served. */
  expiresAt: Date | null;
  /** First compliance check; from issue when the term runs from it, else from service. */
  nextCheckDueAt: Date | null;
}

/**
 * Decides an order's issue under the rule set in force on `issuedAt`: the offender's age on the
 * local issue date (from the IIN), and a term within the maximum.
 */
export function planOrderIssue(
  rules: EnforcementRules,
  input: { issuedAt: Date; offenderIin: string; termDays?: number },
): OrderPlan {
  const iin = checkIin(input.offenderIin);
  if (!iin.valid)
    throw DomainError.validation('offender.iin', 'IIN_INVALID', 'offender.iin is not a valid IIN');
  const age = ageOn(iin.birthDate, kzLocalDate(input.issuedAt));
  if (age < rules.orderMinOffenderAgeYears)
    throw ruleRefusal(
      'OFFENDER_UNDER_MIN_AGE',
      'offender.iin',
      `A protective order applies to persons aged ${rules.orderMinOffenderAgeYears} or over on the issue date`,
    );
  const termDays = input.termDays ?? rules.orderTermDays;
  if (!Number.isInteger(termDays) || termDays < 1)
    throw ruleRefusal(
      'DURATION_INVALID',
      'termDays',
      'termDays must be a whole number of days ≥ 1',
    );
  if (termDays > rules.orderMaxTermDays)
    throw ruleRefusal(
      'DURATION_EXCEEDS_MAXIMUM',
      'termDays',
      `termDays exceeds the maximum of ${rules.orderMaxTermDays} days of the rule set in force`,
    );
  if (rules.orderTermFromDelivery) return { termDays, expiresAt: null, nextCheckDueAt: null };
  return {
    termDays,
    expiresAt: endOfTermInDays(input.issuedAt, termDays),
    nextCheckDueAt: endOfTermInDays(input.issuedAt, rules.orderCheckIntervalDays),
  };
}

/** Service to the person: the term (when it runs from delivery) is fixed now. */
export function serveOrder(
  rules: EnforcementRules,
  order: OrderState,
  servedAt: Date,
): { servedAt: Date; expiresAt: Date; nextCheckDueAt: Date } {
  if (order.status !== 'issued')
    throw invalidTransition(`An order that is ${order.status} cannot be served`);
  if (servedAt < order.issuedAt)
    throw ruleRefusal(
      'SERVED_BEFORE_ISSUED',
      'servedAt',
      'servedAt is before the order was issued',
    );
  const expiresAt = rules.orderTermFromDelivery
    ? endOfTermInDays(servedAt, order.termDays)
    : (order.expiresAt ?? endOfTermInDays(order.issuedAt, order.termDays));
  if (expiresAt <= servedAt)
    throw ruleRefusal('ORDER_ALREADY_EXPIRED', 'servedAt', 'The order expired before servedAt');
  return {
    servedAt,
    expiresAt,
    nextCheckDueAt: endOfTermInDays(servedAt, rules.orderCheckIntervalDays),
  };
}

/** The status as of `at`: a served order past its end has expired even before a job said so. */
export function orderStatusAt(order: OrderState, at: Date): OrderStatus {
  if (order.status === 'served' && order.expiresAt && order.expiresAt <= at) return 'expired';
  return order.status;
}

/** An order protects (and can be violated) from issue until it expires or is revoked. */
export function isOrderActive(order: OrderState, at: Date): boolean {
  const status = orderStatusAt(order, at);
  return status === 'issued' || status === 'served';
}

export function assertCanRevoke(order: OrderState, at: Date): void {
  const status = orderStatusAt(order, at);
  if (status === 'revoked' || status === 'expired')
    throw invalidTransition(`An order that is ${status} cannot be revoked`);
}

/** A violation is recorded against an order that was active when the new incident happened. */
export function assertCanRecordViolation(order: OrderState, incidentAt: Date): void {
  if (incidentAt < order.issuedAt || !isOrderActive(order, incidentAt))
    throw ruleRefusal(
      'ORDER_NOT_ACTIVE',
      'incidentId',
      'The order was not in force when that incident happened',
    );
}
