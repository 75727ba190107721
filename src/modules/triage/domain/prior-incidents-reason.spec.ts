import { TRIAGE_2020_1 } from '../../../../migrations/1763900000000-intake-people-triage';
import { RuleSet } from '../../policy/domain/rule-set';
import { assessRisk, type HistorySignals } from './risk-assessment';

const rules = new RuleSet('rs-1', 'triage', '2020.1', new Date('2020-01-01'), null, TRIAGE_2020_1);
const history = (
  n: number,
  by: NonNullable<HistorySignals['priorIncidentsBy']>,
): HistorySignals => ({
  priorIncidents12m: n,
  activeProtectiveOrders: 0,
  priorArrests: 0,
  priorIncidentsBy: by,
});

describe('the prior-incidents reason says what linked them', () => {
  it('names the offender when the incidents were found through them', () => {
    const a = assessRisk(
      rules,
      {},
      history(2, { place: 0, victim: 0, offender: 2, applicant: 0 }),
      { coded: false },
    );
    expect(a.reasons).toEqual([
      '2 earlier incidents in the last 12 months: 2 involving the named offender.',
    ]);
    expect(a.score).toBe(1);
  });

  it('lists every link, counting one incident once in the total', () => {
    const a = assessRisk(
      rules,
      {},
      history(3, { place: 1, victim: 1, offender: 2, applicant: 0 }),
      { coded: false },
    );
    expect(a.reasons).toEqual([
      '3 earlier incidents in the last 12 months: 2 involving the named offender, 1 involving the named victim, 1 at this address or number.',
    ]);
  });

  it('keeps the place wording when no person linked them', () => {
    const a = assessRisk(
      rules,
      {},
      history(1, { place: 1, victim: 0, offender: 0, applicant: 0 }),
      { coded: false },
    );
    expect(a.reasons).toEqual([
      '1 earlier incident at this address or number in the last 12 months.',
    ]);
  });
});
