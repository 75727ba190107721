import { type EntityManager } from 'typeorm';
import { type RuleSet } from '../domain/rule-set';

export abstract class RuleSetRepository {
  /** The set of `kind` in force at `at`; the newest `valid_from` wins where ranges overlap. */
  abstract activeAt(db: EntityManager, kind: string, at: Date): Promise<RuleSet>;
  abstract byId(db: EntityManager, id: string): Promise<RuleSet | null>;
  abstract list(db: EntityManager): Promise<RuleSet[]>;
}
