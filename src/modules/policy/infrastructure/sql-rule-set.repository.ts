import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../common/domain-error';
import { ReferenceCache } from '../application/reference-cache';
import { RuleSetRepository } from '../application/rule-set.repository';
import { RuleSet, type RuleValue } from '../domain/rule-set';

interface Row {
  id: string;
  kind: string;
  version: string;
  valid_from: Date;
  valid_to: Date | null;
  values: Record<string, RuleValue>;
}

const toDomain = (r: Row) =>
  new RuleSet(r.id, r.kind, r.version, r.valid_from, r.valid_to, r.values);

/** Rule sets from the in-process cache (see ReferenceCache); listing them reads the table. */
@Injectable()
export class SqlRuleSetRepository extends RuleSetRepository {
  constructor(private readonly cache: ReferenceCache) {
    super();
  }

  /** Same choice as `valid_from <= at AND (valid_to IS NULL OR valid_to > at) ORDER BY valid_from DESC LIMIT 1`. */
  async activeAt(db: EntityManager, kind: string, at: Date): Promise<RuleSet> {
    let found: RuleSet | null = null;
    for (const r of await this.cache.ruleSets(db)) {
      if (r.kind !== kind || r.validFrom > at || (r.validTo !== null && r.validTo <= at)) continue;
      if (!found || r.validFrom > found.validFrom) found = r;
    }
    if (!found)
      throw new DomainError(
        'RULE_SET_MISSING',
        'rule',
        `No ${kind} rule set is in force at ${at.toISOString()}`,
      );
    return found;
  }

  async byId(db: EntityManager, id: string): Promise<RuleSet | null> {
    const cached = (await this.cache.ruleSets(db)).find((r) => r.id === id);
    if (cached) return cached;
    const [row] = (await db.query(
      `SELECT id, kind, version, valid_from, valid_to, values FROM rule_sets WHERE id = $1`,
      [id],
    )) as Row[];
    return row ? toDomain(row) : null;
  }

  async list(db: EntityManager): Promise<RuleSet[]> {
    const rows = (await db.query(
      `SELECT id, kind, version, valid_from, valid_to, values FROM rule_sets ORDER BY kind, valid_from`,
    )) as Row[];
    return rows.map(toDomain);
  }
}
