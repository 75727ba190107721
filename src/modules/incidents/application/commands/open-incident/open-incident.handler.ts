import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { preparedQuery, UnitOfWork } from '@app/persistence';
import {
  DeadlineScheduler,
  type NewDeadline,
  offset,
} from '../../../../deadlines/application/deadline-scheduler';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import { INCIDENT_STREAM } from '../../../domain/incident';
import { OpenIncidentCommand } from './open-incident.command';

@CommandHandler(OpenIncidentCommand)
export class OpenIncidentHandler implements ICommandHandler<OpenIncidentCommand, void> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly deadlines: DeadlineScheduler,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  execute({ incident: i, actorId, at, leadingEvents }: OpenIncidentCommand): Promise<void> {
    return this.uow.run(async (tx) => {
      // Prepared once per connection (a hot statement: every call and report).
      await preparedQuery(
        tx,
        'incident_insert_v1',
        `INSERT INTO incidents (id, source, status, district_id, address, address_norm, lat, lon, caller_phone, coded,
           contact_policy, priority, risk_level, risk_score, reasons, risk_answers, triage_rule_set_id, received_at,
           created_at, updated_at)
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::jsonb, $16, $17, $18, $18)`,
        [
          i.id,
          i.source,
          i.districtId,
          i.address,
          i.addressNorm,
          i.lat,
          i.lon,
          i.callerPhone,
          i.coded,
          i.contactPolicy,
          i.triage.priority,
          i.triage.riskLevel,
          i.triage.score,
          JSON.stringify(i.triage.reasons),
          JSON.stringify(i.riskAnswers),
          i.triage.ruleSetId,
          i.receivedAt,
          at,
        ],
      );
      // Events carry ids and decisions, not names, phones or addresses. The stream is new (the
      // incident id was just made), so the whole append is one statement.
      await this.events.append(
        tx,
        { id: i.id, type: INCIDENT_STREAM },
        [
          ...leadingEvents,
          {
            type: 'IncidentOpened',
            payload: {
              incidentId: i.id,
              source: i.source,
              districtId: i.districtId,
              coded: i.coded,
              contactPolicy: i.contactPolicy,
              priority: i.triage.priority,
              riskLevel: i.triage.riskLevel,
              riskScore: i.triage.score,
              ruleSetId: i.triage.ruleSetId,
              receivedAt: i.receivedAt.toISOString(),
            },
            actorId,
            occurredAt: at,
          },
        ],
        { expectedVersion: 0 },
      );
      // The obligations an incident opens, in this transaction: a coded call must get a crew
      // within the policy's seconds, a top-priority incident a crew on scene by the response
      // target (the urban one: districts carry no urban/rural mark yet), a web report a handler.
      const rules = await this.deadlines.rulesAt(tx, at);
      const subject = { subjectType: 'incident', subjectId: i.id, districtId: i.districtId };
      const due: NewDeadline[] = [];
      if (i.coded)
        due.push({
          ...subject,
          kind: 'coded_call_unassigned',
          dueAt: offset(i.receivedAt, rules, 'alert.codedCallUnassignedSeconds', 1),
          ruleSetId: rules.id,
          ruleKey: 'alert.codedCallUnassignedSeconds',
        });
      if (i.source !== 'call')
        due.push({
          ...subject,
          kind: 'report_unprocessed',
          dueAt: offset(i.receivedAt, rules, 'alert.reportUnprocessedSeconds', 1),
          ruleSetId: rules.id,
          ruleKey: 'alert.reportUnprocessedSeconds',
        });
      if (i.triage.priority === 1) {
        const targets = await this.ruleSets.activeAt(tx, 'dispatch', i.receivedAt);
        due.push({
          ...subject,
          kind: 'arrival_overdue',
          dueAt: offset(i.receivedAt, targets, 'target.attendanceSecondsUrban', 1),
          ruleSetId: targets.id,
          ruleKey: 'target.attendanceSecondsUrban',
        });
      }
      await this.deadlines.schedule(tx, due, at);
    });
  }
}
