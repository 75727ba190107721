import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { RuleSetRepository } from '../../policy/application/rule-set.repository';
import {
  type Assessment,
  assessRisk,
  type CallFlags,
  type HistorySignals,
  type RiskAnswers,
} from '../domain/risk-assessment';

/** Scores a call under the triage rule set in force at the time it was received. */
@Injectable()
export class TriageService {
  constructor(private readonly ruleSets: RuleSetRepository) {}

  async assess(
    db: EntityManager,
    at: Date,
    answers: RiskAnswers,
    history: HistorySignals,
    flags: CallFlags,
  ): Promise<Assessment & { ruleSet: { id: string; version: string; validFrom: string } }> {
    const rules = await this.ruleSets.activeAt(db, 'triage', at);
    const { id, version, validFrom } = rules.ref;
    return { ...assessRisk(rules, answers, history, flags), ruleSet: { id, version, validFrom } };
  }
}
