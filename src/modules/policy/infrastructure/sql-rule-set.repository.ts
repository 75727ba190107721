import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../common/domain-error';
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

@Injectable()
export class SqlRuleSetRepository extends RuleSetRepository {
  async activeAt(db: EntityManager, kind: string, at: Date): Promise<RuleSet> {
    const [row] = (await db.query(
      `SELECT id, kind, version, valid_from, valid_to, values FROM rule_sets
       WHERE kind = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)
       ORDER BY valid_from DESC LIMIT 1`,
      [kind, at],
    )) as Row[];
    if (!row)
      throw new DomainError(
        'RULE_SET_MISSING',
        'rule',
        `No ${kind} rule set is in force at ${at.toISOString()}`,
      );
    return toDomain(row);
  }

  async byId(db: EntityManager, id: string): Promise<RuleSet | null> {
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
