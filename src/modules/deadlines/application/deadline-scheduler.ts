import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import { type RuleSet } from '../../policy/domain/rule-set';
import { type AlertKind } from '../domain/alert-kinds';

export interface NewDeadline {
  kind: AlertKind;
  subjectType: string;
  subjectId: string;
  districtId: string | null;
  dueAt: Date;
  ruleSetId: string;
  ruleKey: string;
}

/**
 * Writes and cancels deadlines in the caller's transaction, so an obligation and its deadlines
 * commit or roll back together. Offsets come from the `deadlines` rule set in force.
 */
@Injectable()
export class DeadlineScheduler {
  constructor(private readonly ruleSets: RuleSetRepository) {}

  /** The `deadlines` rule set in force at `at`, from which every alert offset is read. */
  rulesAt(tx: EntityManager, at: Date): Promise<RuleSet> {
    return this.ruleSets.activeAt(tx, 'deadlines', at);
  }

  async schedule(tx: EntityManager, deadlines: NewDeadline[], now: Date): Promise<void> {
    if (deadlines.length === 0) return;
    await tx.query(
      `INSERT INTO deadlines (id, kind, subject_type, subject_id, district_id, due_at, rule_set_id, rule_key, created_at)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::timestamptz[],
                            $7::uuid[], $8::text[], $9::timestamptz[])
       ON CONFLICT (kind, subject_id, due_at) DO NOTHING`,
      [
        deadlines.map(() => randomUUID()),
        deadlines.map((d) => d.kind),
        deadlines.map((d) => d.subjectType),
        deadlines.map((d) => d.subjectId),
        deadlines.map((d) => d.districtId),
        deadlines.map((d) => d.dueAt),
        deadlines.map((d) => d.ruleSetId),
        deadlines.map((d) => d.ruleKey),
        deadlines.map(() => now),
      ],
    );
  }

  /**
   * One deadline at `from` plus the `deadlines` rule set's value of `ruleKey` (in force now),
   * counted in `unitSeconds` (1 for seconds, 3600 for hours).
   */
  async scheduleAfter(
    tx: EntityManager,
    d: Omit<NewDeadline, 'dueAt' | 'ruleSetId'> & { from: Date; unitSeconds: number },
    now: Date,
  ): Promise<void> {
    const rules = await this.rulesAt(tx, now);
    const { from, unitSeconds, ...rest } = d;
    await this.schedule(
      tx,
      [{ ...rest, dueAt: offset(from, rules, d.ruleKey, unitSeconds), ruleSetId: rules.id }],
      now,
    );
  }

  /** Cancels a subject's pending deadlines (of the named kinds only, when given). */
  async cancel(
    tx: EntityManager,
    subjectIds: string[],
    reason: string,
    now: Date,
    kinds?: AlertKind[],
  ): Promise<void> {
    await tx.query(
      `UPDATE deadlines SET state = 'cancelled', settled_at = $2, settled_reason = $3
       WHERE subject_id = ANY($1::uuid[]) AND state = 'pending' AND ($4::text[] IS NULL OR kind = ANY($4))`,
      [subjectIds, now, reason, kinds ?? null],
    );
  }
}

/** `at` moved by a number of seconds of a rule (negative for a lead time before). */
export function offset(at: Date, rules: RuleSet, key: string, unitSeconds: number, sign = 1): Date {
  return new Date(at.getTime() + sign * rules.number(key) * unitSeconds * 1000);
}
