import { CommandHandler, type ICommandHandler, QueryBus } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { rowsOf, UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { TriageService } from '../../../../triage/application/triage.service';
import { type HistorySignals, type RiskAnswers } from '../../../../triage/domain/risk-assessment';
import { INCIDENT_STREAM } from '../../../domain/incident';
import { HistorySignalsQuery } from '../../queries/history-signals/history-signals.query';
import { ReassessIncidentCommand, type ReassessResult } from './reassess-incident.command';

@CommandHandler(ReassessIncidentCommand)
export class ReassessIncidentHandler implements ICommandHandler<
  ReassessIncidentCommand,
  ReassessResult
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly triage: TriageService,
    private readonly queries: QueryBus,
  ) {}

  execute(command: ReassessIncidentCommand): Promise<ReassessResult> {
    return this.uow.run(async (tx) => {
      const [row] = (await tx.query(
        `SELECT id, coded, contact_policy, risk_answers, received_at, address_norm, caller_phone, status, district_id
         FROM incidents WHERE id = $1 FOR UPDATE`,
        [command.incidentId],
      )) as Array<{
        id: string;
        coded: boolean;
        contact_policy: string;
        risk_answers: RiskAnswers;
        received_at: Date;
        address_norm: string;
        caller_phone: string | null;
        status: string;
        district_id: string | null;
      }>;
      if (!row) throw DomainError.notFound('Incident');
      if (!row.district_id && command.principal.role === 'supervisor')
        throw DomainError.forbidden('This incident has no district yet');
      assertInScope(command.principal, row.district_id, {
        type: 'incident',
        id: row.id,
        what: 'Incident',
      });
      const coded = row.coded || command.change.coded === true;
      if (row.status === 'closed') {
        // A closed incident is not re-scored, but learning that the call was coded still makes it
        // silent: nobody may call that number back.
        if (command.change.coded !== true || row.coded) {
          throw new DomainError('INCIDENT_CLOSED', 'conflict', 'The incident is closed');
        }
        return this.silenceClosed(tx, row.id, command);
      }
      const answers = { ...row.risk_answers, ...(command.change.answers ?? {}) };
      const history = await this.queries.execute<HistorySignalsQuery, HistorySignals>(
        new HistorySignalsQuery(row.id, row.address_norm, row.caller_phone, row.received_at),
      );
      // The triage rules are those in force when the call came in, as for the first assessment.
      const a = await this.triage.assess(tx, row.received_at, answers, history, { coded });
      const contactPolicy = coded ? 'silent' : row.contact_policy;
      await tx.query(
        `UPDATE incidents SET coded = $2, contact_policy = $3, priority = $4, risk_level = $5, risk_score = $6,
           reasons = $7::jsonb, risk_answers = $8::jsonb, triage_rule_set_id = $9, updated_at = $10 WHERE id = $1`,
        [
          row.id,
          coded,
          contactPolicy,
          a.priority,
          a.riskLevel,
          a.score,
          JSON.stringify(a.reasons),
          JSON.stringify(answers),
          a.ruleSetId,
          command.at,
        ],
      );
      await this.events.append(tx, { id: row.id, type: INCIDENT_STREAM }, [
        {
          type: 'IncidentReassessed',
          payload: {
            incidentId: row.id,
            reason: command.change.reason,
            coded,
            contactPolicy,
            priority: a.priority,
            riskLevel: a.riskLevel,
            riskScore: a.score,
            ruleSetId: a.ruleSetId,
            // Which factors were answered yes is in the incident row; the immutable event names
            // the decision (score, level, rule set), not the victim's answers.
            answeredFactors: Object.keys(answers).length,
          },
          actorId: command.principal.id,
          occurredAt: command.at,
        },
      ]);
      return {
        priority: a.priority,
        riskLevel: a.riskLevel,
        reasons: a.reasons,
        coded,
        contactPolicy,
      };
    });
  }

  private async silenceClosed(
    tx: EntityManager,
    incidentId: string,
    command: ReassessIncidentCommand,
  ): Promise<ReassessResult> {
    const [row] = await rowsOf<{ priority: number; risk_level: string; reasons: string[] }>(
      tx,
      `UPDATE incidents SET coded = true, contact_policy = 'silent', updated_at = $2 WHERE id = $1
       RETURNING priority, risk_level, reasons`,
      [incidentId, command.at],
    );
    await this.events.append(tx, { id: incidentId, type: INCIDENT_STREAM }, [
      {
        type: 'IncidentSilenced',
        payload: { incidentId, reason: command.change.reason, contactPolicy: 'silent' },
        actorId: command.principal.id,
        occurredAt: command.at,
      },
    ]);
    return {
      priority: row.priority,
      riskLevel: row.risk_level,
      reasons: row.reasons,
      coded: true,
      contactPolicy: 'silent',
    };
  }
}
