import { type RuleSet } from '../../policy/domain/rule-set';

export const RISK_FACTORS = [
  'weapon',
  'strangulation',
  'threatsToKill',
  'injuries',
  'pregnancy',
  'childrenPresent',
  'childrenHurt',
  'escalation',
  'alcoholOrDrugs',
  'separation',
  'stalking',
  'priorOrderViolation',
  'priorInjuryConviction',
] as const;
export type RiskFactor = (typeof RISK_FACTORS)[number];
export type RiskAnswers = Partial<Record<RiskFactor, boolean>>;

/** `not_assessed`: nobody has answered a risk question yet. Unknown is not low. */
export type RiskLevel = 'not_assessed' | 'low' | 'medium' | 'high' | 'extreme';
export const RISK_LEVELS: readonly RiskLevel[] = [
  'not_assessed',
  'low',
  'medium',
  'high',
  'extreme',
];
export type Priority = 1 | 2 | 3 | 4;

export interface HistorySignals {
  priorIncidents12m: number;
  activeProtectiveOrders: number;
  priorArrests: number;
  /**
   * How the prior incidents matched, each counted once per way (one incident may match several):
   * `place` at this address or number, the others involving the person named in that role.
   */
  priorIncidentsBy?: { place: number; victim: number; offender: number; applicant: number };
  /** The newest order in force against the named offender: this call may violate it. */
  possibleViolationOrderId?: string | null;
}

export interface CallFlags {
  /** The caller said the passphrase or the dispatcher flagged the call. */
  coded: boolean;
  /** The caller could not or did not speak. */
  silent?: boolean;
}

export interface Assessment {
  score: number;
  riskLevel: RiskLevel;
  priority: Priority;
  reasons: string[];
  ruleSetId: string;
}

const FACTOR_REASON: Record<RiskFactor, string> = {
  weapon: 'A weapon was used or threatened.',
  strangulation: 'Strangulation or choking.',
  threatsToKill: 'Threats to kill.',
  injuries: 'The victim is injured.',
  pregnancy: 'The victim is pregnant.',
  childrenPresent: 'Children are present.',
  childrenHurt: 'Children are hurt or threatened.',
  escalation: 'The violence is getting worse or more frequent.',
  alcoholOrDrugs: 'The offender is drunk or on drugs.',
  separation: 'The victim has recently left or tried to leave.',
  stalking: 'The offender stalks the victim.',
  priorOrderViolation: 'The offender has violated an order before.',
  priorInjuryConviction: 'The offender has a conviction for bodily harm.',
};

const PRIORITY_BY_LEVEL: Record<RiskLevel, string> = {
  extreme: 'priority.extreme',
  high: 'priority.high',
  medium: 'priority.medium',
  low: 'priority.low',
  // No answers means no known risk factor: the queue places it as the rule set places low risk
  // (a coded call still goes to the top below); only the label tells the dispatcher to ask.
  not_assessed: 'priority.low',
};

/** Says how many earlier incidents there were and what linked them to this call. */
function priorIncidentsReason(history: HistorySignals): string {
  const n = history.priorIncidents12m;
  const incidents = `${n} earlier incident${n === 1 ? '' : 's'}`;
  const by = history.priorIncidentsBy;
  const place = `${incidents} at this address or number in the last 12 months.`;
  if (!by || by.offender + by.victim + by.applicant === 0) return place;
  const parts: Array<[number, string]> = [
    [by.offender, 'involving the named offender'],
    [by.victim, 'involving the named victim'],
    [by.applicant, 'involving the applicant'],
    [by.place, 'at this address or number'],
  ];
  const said = parts.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  return `${incidents} in the last 12 months: ${said.join(', ')}.`;
}

/**
 * Scores the structured yes/no answers and the history signals under one triage rule set, and
 * says why in sentences a dispatcher reads in two seconds. Pure: same inputs, same result.
 */
export function assessRisk(
  rules: RuleSet,
  answers: RiskAnswers,
  history: HistorySignals,
  flags: CallFlags,
): Assessment {
  const weighted: Array<{ points: number; reason: string }> = [];
  for (const factor of RISK_FACTORS) {
    if (answers[factor])
      weighted.push({ points: rules.number(`weight.${factor}`), reason: FACTOR_REASON[factor] });
  }
  if (history.activeProtectiveOrders > 0) {
    weighted.push({
      points: rules.number('weight.activeProtectiveOrder'),
      reason: 'An active protective order names this offender: the call may be a violation.',
    });
  }
  if (history.priorIncidents12m > 0) {
    const many = history.priorIncidents12m >= rules.number('threshold.priorIncidents12mMany');
    weighted.push({
      points: rules.number(many ? 'weight.priorIncidents12mMany' : 'weight.priorIncidents12m'),
      reason: priorIncidentsReason(history),
    });
  }
  if (history.priorArrests > 0) {
    weighted.push({
      points: rules.number('weight.priorArrests'),
      reason: 'The offender has been arrested before.',
    });
  }
  const score = weighted.reduce((sum, w) => sum + w.points, 0);
  // Answered means any factor answered, yes or no. Without answers, records alone (prior
  // incidents, an order, arrests) still say medium or more when they reach it: that is known.
  const answered = RISK_FACTORS.some((factor) => typeof answers[factor] === 'boolean');
  const riskLevel: RiskLevel =
    !answered && score < rules.number('threshold.medium')
      ? 'not_assessed'
      : score >= rules.number('threshold.extreme')
        ? 'extreme'
        : score >= rules.number('threshold.high')
          ? 'high'
          : score >= rules.number('threshold.medium')
            ? 'medium'
            : 'low';

  let priority = rules.number(PRIORITY_BY_LEVEL[riskLevel]) as Priority;
  const lead: string[] = [];
  if (flags.coded) {
    priority = Math.min(priority, rules.number('priority.coded')) as Priority;
    lead.push(
      'Coded call: the caller used the passphrase and cannot speak freely. Do not call back.',
    );
  } else if (flags.silent && history.activeProtectiveOrders > 0) {
    priority = Math.min(priority, rules.number('priority.silentWithActiveOrder')) as Priority;
    lead.push('Silent call from a number or address with an active protective order.');
  }
  const factors = [...weighted].sort((a, b) => b.points - a.points).map((w) => w.reason);
  const reasons = [...lead, ...factors];
  if (reasons.length === 0) reasons.push('No risk factors reported yet.');
  return { score, riskLevel, priority, reasons, ruleSetId: rules.id };
}
