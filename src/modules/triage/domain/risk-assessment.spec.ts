import { TRIAGE_2020_1 } from '../../../../migrations/1763900000000-intake-people-triage';
import { RuleSet } from '../../policy/domain/rule-set';
import { assessRisk, type HistorySignals } from './risk-assessment';

const rules = new RuleSet('rs-1', 'triage', '2020.1', new Date('2020-01-01'), null, TRIAGE_2020_1);
const none: HistorySignals = { priorIncidents12m: 0, activeProtectiveOrders: 0, priorArrests: 0 };

describe('risk assessment', () => {
  it('gives P4, not_assessed, and says so when nothing is reported', () => {
    expect(assessRisk(rules, {}, none, { coded: false })).toEqual({
      score: 0,
      riskLevel: 'not_assessed',
      priority: 4,
      reasons: ['No risk factors reported yet.'],
      ruleSetId: 'rs-1',
    });
  });

  it('makes a coded call P1 whatever the score, and puts that reason first', () => {
    const a = assessRisk(rules, { alcoholOrDrugs: true }, none, { coded: true });
    expect(a.priority).toBe(1);
    expect(a.riskLevel).toBe('low');
    expect(a.reasons[0]).toMatch(/^Coded call/);
    expect(a.reasons).toContain('The offender is drunk or on drugs.');
  });

  it('keeps a coded call nobody assessed P1 but not_assessed: unknown is not low', () => {
    const a = assessRisk(rules, {}, none, { coded: true });
    expect(a).toMatchObject({ priority: 1, riskLevel: 'not_assessed', score: 0 });
    expect(a.reasons[0]).toMatch(/^Coded call/);
  });

  it('calls answers that are all "no" low: somebody asked', () => {
    const a = assessRisk(rules, { weapon: false, injuries: false }, none, { coded: false });
    expect(a).toMatchObject({ riskLevel: 'low', priority: 4, score: 0 });
  });

  it('without answers, lets records alone say medium or more, never low', () => {
    const one = assessRisk(rules, {}, { ...none, priorIncidents12m: 1 }, { coded: false });
    expect(one).toMatchObject({ score: 1, riskLevel: 'not_assessed', priority: 4 });
    const order = assessRisk(rules, {}, { ...none, activeProtectiveOrders: 1 }, { coded: false });
    expect(order).toMatchObject({ score: 3, riskLevel: 'medium', priority: 3 });
  });

  it.each([
    [{ childrenPresent: true, alcoholOrDrugs: true }, 'medium', 3, 2],
    [{ weapon: true, injuries: true }, 'high', 2, 5],
    [{ weapon: true, strangulation: true, threatsToKill: true }, 'extreme', 1, 9],
  ] as const)('scores %j as %s (P%i, %i points)', (answers, level, priority, score) => {
    const a = assessRisk(rules, answers, none, { coded: false });
    expect(a).toMatchObject({ riskLevel: level, priority, score });
  });

  it('orders reasons by weight, heaviest first', () => {
    const a = assessRisk(
      rules,
      { alcoholOrDrugs: true, strangulation: true, injuries: true },
      none,
      { coded: false },
    );
    expect(a.reasons).toEqual([
      'Strangulation or choking.',
      'The victim is injured.',
      'The offender is drunk or on drugs.',
    ]);
  });

  it('counts history: prior incidents, an active order and prior arrests', () => {
    const one = assessRisk(rules, {}, { ...none, priorIncidents12m: 1 }, { coded: false });
    expect(one.score).toBe(1);
    expect(one.reasons).toEqual([
      '1 earlier incident at this address or number in the last 12 months.',
    ]);
    const many = assessRisk(
      rules,
      {},
      { priorIncidents12m: 4, activeProtectiveOrders: 1, priorArrests: 2 },
      { coded: false },
    );
    expect(many.score).toBe(2 + 3 + 1);
    expect(many.riskLevel).toBe('high');
    expect(many.reasons[0]).toMatch(/active protective order/);
  });

  it('makes a silent call with an active order P1', () => {
    const a = assessRisk(
      rules,
      {},
      { ...none, activeProtectiveOrders: 1 },
      { coded: false, silent: true },
    );
    expect(a.priority).toBe(1);
    expect(a.reasons[0]).toMatch(/^Silent call/);
  });

  it('follows the rule set, not literals: other thresholds give other levels', () => {
    const strict = new RuleSet('rs-2', 'triage', 'x', new Date('2026-01-01'), null, {
      ...TRIAGE_2020_1,
      'threshold.high': { value: 3, citation: 'test' },
    });
    expect(assessRisk(strict, { weapon: true }, none, { coded: false }).riskLevel).toBe('high');
    expect(assessRisk(rules, { weapon: true }, none, { coded: false }).riskLevel).toBe('medium');
  });
});
