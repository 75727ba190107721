import { DomainError } from '../../../common/domain-error';
import { type RuleSet } from '../../policy/domain/rule-set';

export type RiskReviewLevel = 'low' | 'medium' | 'high' | 'extreme';

/**
 * The values of an `enforcement` rule set that decisions use, read once and typed. Every number
 * comes from the rule set in force on the record's date (with its citation there), never from
 * a literal here.
 */
export class EnforcementRules {
  constructor(readonly ruleSet: RuleSet) {
    if (ruleSet.kind !== 'enforcement')
      throw new DomainError(
        'RULE_SET_KIND',
        'unavailable',
        `Expected an enforcement rule set, got ${ruleSet.kind}`,
      );
  }

  get orderTermDays(): number {
    return this.ruleSet.number('protectiveOrder.termDays');
  }
  get orderMaxTermDays(): number {
    return this.ruleSet.number('protectiveOrder.maxTermDays');
  }
  /** True when the term runs from delivery to the person (expiresAt fixed at service). */
  get orderTermFromDelivery(): boolean {
    return this.ruleSet.text('protectiveOrder.termStartsAt') === 'delivery';
  }
  get orderMinOffenderAgeYears(): number {
    return this.ruleSet.number('protectiveOrder.minOffenderAgeYears');
  }
  get orderCheckIntervalDays(): number {
    return this.ruleSet.number('protectiveOrder.checkIntervalDays');
  }
  get violationArticle(): string {
    return this.ruleSet.text('protectiveOrder.violationArticle');
  }
  get warningValidityDays(): number {
    return this.ruleSet.number('warning.validityDays');
  }
  get warningCheckIntervalDays(): number {
    return this.ruleSet.number('warning.checkIntervalDays');
  }
  get arrestMinOffenderAgeYears(): number {
    return this.ruleSet.number('arrest.minOffenderAgeYears');
  }
  get arrestMaxDays(): number {
    return this.ruleSet.number('arrest.maxDays');
  }
  get specialRequirementsMonths(): { min: number; max: number } {
    return {
      min: this.ruleSet.number('specialRequirements.minMonths'),
      max: this.ruleSet.number('specialRequirements.maxMonths'),
    };
  }
  get specialRequirementsCheckInsPerMonth(): { min: number; max: number } {
    return {
      min: this.ruleSet.number('specialRequirements.minCheckInsPerMonth'),
      max: this.ruleSet.number('specialRequirements.maxCheckInsPerMonth'),
    };
  }
  get repeatOffenceWindowDays(): number {
    return this.ruleSet.number('repeatOffence.windowDays');
  }
  get backdateWithoutReasonSeconds(): number {
    return this.ruleSet.number('record.backdateWithoutReasonSeconds');
  }
  riskReviewIntervalHours(level: RiskReviewLevel): number {
    return this.ruleSet.number(`riskReview.intervalHours.${level}`);
  }
}
