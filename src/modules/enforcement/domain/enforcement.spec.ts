import { type DomainError } from '../../../common/domain-error';
import { RuleSet } from '../../policy/domain/rule-set';
import {
  ENFORCEMENT_2020_1,
  ENFORCEMENT_2026_1,
} from '../../../../migrations/1765800000000-enforcement-rule-sets';
import { EnforcementRules } from './enforcement-rules';
import {
  assertCanRecordViolation,
  assertCanRevoke,
  isOrderActive,
  orderStatusAt,
  planOrderIssue,
  serveOrder,
  type OrderState,
} from './protective-order';
import {
  checkInSchedule,
  checkRecordDate,
  isRepeatOffence,
  nextRiskReviewAt,
  planArrest,
  planSpecialRequirements,
  planWarning,
} from './sanctions';

const rules2026 = new EnforcementRules(
  new RuleSet(
    'r26',
    'enforcement',
    '2026.1',
    new Date('2026-03-01T19:00:00Z'),
    null,
    ENFORCEMENT_2026_1 as never,
  ),
);
const rules2020 = new EnforcementRules(
  new RuleSet(
    'r20',
    'enforcement',
    '2020.1',
    new Date('2019-12-31T18:00:00Z'),
    new Date('2026-03-01T19:00:00Z'),
    ENFORCEMENT_2020_1 as never,
  ),
);

/** A valid IIN for a person born on the given date (YYMMDD), male, 2000s when century 5. */
function iinFor(yymmdd: string, centuryDigit: number): string {
  for (let serial = 0; serial < 10_000; serial += 1) {
    const first11 = `${yymmdd}${centuryDigit}${String(serial).padStart(4, '0')}`;
    const digits = [...first11].map(Number);
    const sum = (w: number[]) => digits.reduce((s, d, i) => s + d * w[i], 0) % 11;
    let s = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    if (s === 10) s = sum([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]);
    if (s !== 10) return `${first11}${s}`;
  }
  throw new Error('no IIN');
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).code;
  }
  return 'no error';
};

describe('enforcement rule sets as shipped', () => {
  it('carry a citation and a confidence for every value', () => {
    for (const set of [ENFORCEMENT_2020_1, ENFORCEMENT_2026_1]) {
      for (const [key, v] of Object.entries(set)) {
        expect([key, typeof v.citation === 'string' && v.citation.length > 10]).toEqual([
          key,
          true,
        ]);
        expect([key, ['H', 'M', 'L'].includes(v.confidence)]).toEqual([key, true]);
      }
    }
  });

  it('mark the values of Art. 60 carried over from the old law as unverified', () => {
    expect(ENFORCEMENT_2026_1['protectiveOrder.termDays'].confidence).toBe('L');
    expect(ENFORCEMENT_2026_1['protectiveOrder.termDays'].citation).toMatch(/Art\. 60/);
    expect(ENFORCEMENT_2026_1['warning.legalBasis'].citation).toMatch(/Art\. 51/);
  });
});

describe('protective order', () => {
  const adult = iinFor('791028', 3);
  const issuedAt = new Date('2026-03-10T05:00:00Z'); // 10:00 local

  it('leaves expiresAt open until service when the term runs from delivery', () => {
    const plan = planOrderIssue(rules2026, { issuedAt, offenderIin: adult });
    expect(plan).toEqual({ termDays: 30, expiresAt: null, nextCheckDueAt: null });
  });

  it('fixes the term at service, in local calendar days across the month end', () => {
    const order: OrderState = {
      status: 'issued',
      issuedAt,
      servedAt: null,
      expiresAt: null,
      termDays: 30,
    };
    const served = serveOrder(rules2026, order, new Date('2026-03-31T10:00:00Z')); // 15:00 on 31 March
    // Days run 1 April … 30 April; ends at 24:00 local on 30 April.
    expect(served.expiresAt.toISOString()).toBe('2026-04-30T19:00:00.000Z');
    // First compliance check within 7 calendar days: by 24:00 on 7 April.
    expect(served.nextCheckDueAt.toISOString()).toBe('2026-04-07T19:00:00.000Z');
  });

  it('refuses an offender under 16 on the issue date, by the IIN, and accepts on the birthday', () => {
    const born = iinFor('100310', 5); // born 10 March 2010: 16 on 10 March 2026
    const dayBefore = new Date('2026-03-09T05:00:00Z');
    expect(
      codeOf(() => planOrderIssue(rules2026, { issuedAt: dayBefore, offenderIin: born })),
    ).toBe('OFFENDER_UNDER_MIN_AGE');
    expect(planOrderIssue(rules2026, { issuedAt, offenderIin: born }).termDays).toBe(30);
    const fifteen = iinFor('110101', 5);
    expect(codeOf(() => planOrderIssue(rules2026, { issuedAt, offenderIin: fifteen }))).toBe(
      'OFFENDER_UNDER_MIN_AGE',
    );
  });

  it('uses the local date for the age: 23:30 on the eve of the birthday is still 15', () => {
    const born = iinFor('100310', 5);
    const eve = new Date('2026-03-09T18:30:00Z'); // 23:30 local on 9 March
    expect(codeOf(() => planOrderIssue(rules2026, { issuedAt: eve, offenderIin: born }))).toBe(
      'OFFENDER_UNDER_MIN_AGE',
    );
    const midnight = new Date('2026-03-09T19:00:00Z'); // 00:00 local on 10 March
    expect(planOrderIssue(rules2026, { issuedAt: midnight, offenderIin: born }).termDays).toBe(30);
  });

  it('refuses a term beyond the maximum of the rule set in force', () => {
    expect(
      codeOf(() => planOrderIssue(rules2026, { issuedAt, offenderIin: adult, termDays: 31 })),
    ).toBe('DURATION_EXCEEDS_MAXIMUM');
    expect(planOrderIssue(rules2020, { issuedAt, offenderIin: adult, termDays: 10 }).termDays).toBe(
      10,
    );
  });

  it('refuses serving before issuing, and serving twice', () => {
    const order: OrderState = {
      status: 'issued',
      issuedAt,
      servedAt: null,
      expiresAt: null,
      termDays: 30,
    };
    expect(codeOf(() => serveOrder(rules2026, order, new Date('2026-03-10T04:59:59Z')))).toBe(
      'SERVED_BEFORE_ISSUED',
    );
    const served = { ...order, status: 'served' as const };
    expect(codeOf(() => serveOrder(rules2026, served, new Date('2026-03-11T00:00:00Z')))).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('expires by time, and then can be neither revoked nor violated', () => {
    const order: OrderState = {
      status: 'served',
      issuedAt,
      servedAt: issuedAt,
      expiresAt: new Date('2026-04-09T19:00:00Z'),
      termDays: 30,
    };
    expect(orderStatusAt(order, new Date('2026-04-09T18:59:59Z'))).toBe('served');
    expect(orderStatusAt(order, new Date('2026-04-09T19:00:00Z'))).toBe('expired');
    expect(isOrderActive(order, new Date('2026-04-10T00:00:00Z'))).toBe(false);
    expect(codeOf(() => assertCanRevoke(order, new Date('2026-04-10T00:00:00Z')))).toBe(
      'INVALID_TRANSITION',
    );
    expect(codeOf(() => assertCanRecordViolation(order, new Date('2026-04-10T00:00:00Z')))).toBe(
      'ORDER_NOT_ACTIVE',
    );
    expect(codeOf(() => assertCanRecordViolation(order, new Date('2026-03-20T00:00:00Z')))).toBe(
      'no error',
    );
  });

  it('protects from issue: an unserved order can be violated, not before it was issued', () => {
    const order: OrderState = {
      status: 'issued',
      issuedAt,
      servedAt: null,
      expiresAt: null,
      termDays: 30,
    };
    expect(codeOf(() => assertCanRecordViolation(order, new Date('2026-03-11T00:00:00Z')))).toBe(
      'no error',
    );
    expect(codeOf(() => assertCanRecordViolation(order, new Date('2026-03-01T00:00:00Z')))).toBe(
      'ORDER_NOT_ACTIVE',
    );
  });
});

describe('arrest, special requirements, warning', () => {
  it('computes release from days and refuses days beyond the maximum', () => {
    const startsAt = new Date('2026-12-28T10:00:00Z');
    expect(planArrest(rules2026, { days: 15, startsAt }).releaseAt.toISOString()).toBe(
      '2027-01-12T10:00:00.000Z',
    );
    expect(codeOf(() => planArrest(rules2026, { days: 16, startsAt }))).toBe(
      'DURATION_EXCEEDS_MAXIMUM',
    );
    expect(codeOf(() => planArrest(rules2026, { days: 0, startsAt }))).toBe('DURATION_INVALID');
  });

  it('keeps special requirements within 3–12 months and 1–4 check-ins a month', () => {
    const startsAt = new Date('2026-11-30T06:00:00Z');
    const plan = planSpecialRequirements(rules2026, { startsAt, months: 3, checkInsPerMonth: 2 });
    expect(plan.endsAt.toISOString()).toBe('2027-02-28T19:00:00.000Z');
    expect(plan.checkInIntervalDays).toBe(15);
    expect(
      codeOf(() =>
        planSpecialRequirements(rules2026, { startsAt, months: 2, checkInsPerMonth: 1 }),
      ),
    ).toBe('DURATION_OUT_OF_RANGE');
    expect(
      codeOf(() =>
        planSpecialRequirements(rules2026, { startsAt, months: 13, checkInsPerMonth: 1 }),
      ),
    ).toBe('DURATION_OUT_OF_RANGE');
    expect(
      codeOf(() =>
        planSpecialRequirements(rules2026, { startsAt, months: 6, checkInsPerMonth: 5 }),
      ),
    ).toBe('CHECK_INS_OUT_OF_RANGE');
  });

  it('gives a warning its validity and rhythm from the rule set', () => {
    const w = planWarning(rules2026, new Date('2026-03-02T04:00:00Z'));
    expect(w.validUntil.toISOString()).toBe('2026-04-01T19:00:00.000Z');
    expect(w.checkInIntervalDays).toBe(15);
  });
});

describe('check-ins, risk reviews, repeat offences, backdating', () => {
  it('schedules check-ins every interval and one at the end, never after it', () => {
    const from = new Date('2026-03-31T10:00:00Z');
    const until = new Date('2026-04-30T19:00:00Z');
    expect(checkInSchedule(from, until, 7).map((d) => d.toISOString())).toEqual([
      '2026-04-07T19:00:00.000Z',
      '2026-04-14T19:00:00.000Z',
      '2026-04-21T19:00:00.000Z',
      '2026-04-28T19:00:00.000Z',
      '2026-04-30T19:00:00.000Z',
    ]);
  });

  it('reviews risk at the VioGén rhythm of the level', () => {
    const at = new Date('2026-05-01T00:00:00Z');
    expect(nextRiskReviewAt(rules2026, 'extreme', at).toISOString()).toBe(
      '2026-05-04T00:00:00.000Z',
    );
    expect(nextRiskReviewAt(rules2026, 'high', at).toISOString()).toBe('2026-05-08T00:00:00.000Z');
    expect(nextRiskReviewAt(rules2026, 'low', at).toISOString()).toBe('2026-06-30T00:00:00.000Z');
  });

  it('marks a repeat offence while a penalty runs and within the window after it, not after', () => {
    const arrest = [
      { from: new Date('2025-05-20T00:00:00Z'), to: new Date('2025-06-01T00:00:00Z') },
    ];
    expect(isRepeatOffence(rules2026, arrest, new Date('2025-05-25T00:00:00Z'))).toBe(true);
    expect(isRepeatOffence(rules2026, arrest, new Date('2026-05-31T00:00:00Z'))).toBe(true);
    expect(isRepeatOffence(rules2026, arrest, new Date('2026-06-02T00:00:00Z'))).toBe(false);
    expect(isRepeatOffence(rules2026, arrest, new Date('2025-05-01T00:00:00Z'))).toBe(false);
  });

  it('needs a reason for a record dated back beyond the rule set, and refuses the future', () => {
    const now = new Date('2026-05-10T00:00:00Z');
    const twoDaysAgo = new Date('2026-05-08T00:00:00Z');
    expect(codeOf(() => checkRecordDate(rules2026, 'issuedAt', twoDaysAgo, now, undefined))).toBe(
      'BACKDATE_REASON_REQUIRED',
    );
    expect(
      codeOf(() => checkRecordDate(rules2026, 'issuedAt', twoDaysAgo, now, 'paper record')),
    ).toBe('no error');
    expect(
      codeOf(() =>
        checkRecordDate(rules2026, 'issuedAt', new Date('2026-05-10T01:00:00Z'), now, undefined),
      ),
    ).toBe('IN_FUTURE');
  });
});
