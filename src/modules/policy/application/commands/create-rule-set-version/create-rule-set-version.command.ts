import { type Actor } from '../../../../../common/roles';

export interface RuleValueInput {
  value: number | string | boolean;
  unit?: string;
  citation: string;
  confidence?: 'H' | 'M' | 'L';
}

/** A new version of a kind of rule set from a date; keys not given carry over. */
export class CreateRuleSetVersionCommand {
  constructor(
    readonly actor: Actor,
    readonly kind: string,
    readonly version: string,
    readonly validFrom: Date,
    readonly values: Record<string, unknown>,
    readonly description?: string,
  ) {}
}
