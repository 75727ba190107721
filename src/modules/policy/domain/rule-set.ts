import { DomainError } from '../../../common/domain-error';

export interface RuleValue {
  value: number | string | boolean;
  unit?: string;
  citation: string;
  /** How sure the citation is: H primary text, M credible secondary source, L unverified. */
  confidence?: 'H' | 'M' | 'L';
}

/** An effective-dated set of legal or policy values, each with its citation. */
export class RuleSet {
  constructor(
    readonly id: string,
    readonly kind: string,
    readonly version: string,
    readonly validFrom: Date,
    readonly validTo: Date | null,
    readonly values: Readonly<Record<string, RuleValue>>,
  ) {}

  number(key: string): number {
    const entry = this.values[key];
    if (!entry || typeof entry.value !== 'number') {
      throw new DomainError(
        'RULE_MISSING',
        'unavailable',
        `Rule set ${this.kind} ${this.version} has no number ${key}`,
      );
    }
    return entry.value;
  }

  text(key: string): string {
    const entry = this.values[key];
    if (!entry || typeof entry.value !== 'string') {
      throw new DomainError(
        'RULE_MISSING',
        'unavailable',
        `Rule set ${this.kind} ${this.version} has no text ${key}`,
      );
    }
    return entry.value;
  }

  /** How a decision names the rule set it was taken under. */
  get ref(): { id: string; kind: string; version: string; validFrom: string } {
    return {
      id: this.id,
      kind: this.kind,
      version: this.version,
      validFrom: this.validFrom.toISOString(),
    };
  }
}
