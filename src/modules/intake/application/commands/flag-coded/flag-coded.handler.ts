import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import {
  ReassessIncidentCommand,
  type ReassessResult,
} from '../../../../incidents/application/commands/reassess-incident/reassess-incident.command';
import { INCIDENT_STREAM } from '../../../../incidents/domain/incident';
import { DeadlineScheduler } from '../../../../deadlines/application/deadline-scheduler';
import { FlagCodedCommand, type FlagCodedResult } from './flag-coded.command';

/** The dispatcher recognised the passphrase after all: the call goes silent and to the top. */
@CommandHandler(FlagCodedCommand)
export class FlagCodedHandler implements ICommandHandler<FlagCodedCommand, FlagCodedResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly deadlines: DeadlineScheduler,
  ) {}

  execute({ principal, callId }: FlagCodedCommand): Promise<FlagCodedResult> {
    return this.uow.run(async (tx) => {
      const [call] = (await tx.query(
        `SELECT c.id, c.incident_id, i.district_id, c.coded, i.coded AS incident_coded, i.priority,
                i.risk_level, i.reasons
         FROM calls c JOIN incidents i ON i.id = c.incident_id
         WHERE c.id = $1 FOR UPDATE OF c`,
        [callId],
      )) as Array<{
        id: string;
        incident_id: string;
        district_id: string | null;
        coded: boolean;
        incident_coded: boolean;
        priority: number;
        risk_level: string;
        reasons: string[];
      }>;
      if (!call) throw DomainError.notFound('Call');
      // The incident's district decides: a supervisor may have routed it elsewhere since.
      assertInScope(principal, call.district_id, { type: 'call', id: callId, what: 'Call' });
      if (call.coded && call.incident_coded) {
        // Already coded (by the passphrase or an earlier flag): a repeated flag changes nothing,
        // no event and no reassessment; the call row lock above orders concurrent flags.
        return {
          id: call.id,
          incidentId: call.incident_id,
          coded: true,
          contactPolicy: 'silent',
          priority: call.priority,
          riskLevel: call.risk_level,
          reasons: call.reasons,
        };
      }
      // The incident row before its event stream, as every other writer of incidents does:
      // taking them in the other order deadlocked against a concurrent assignment.
      await tx.query(`SELECT id FROM incidents WHERE id = $1 FOR UPDATE`, [call.incident_id]);
      // Read after the locks, so recorded times follow the order the database decided.
      const now = this.clock.now();
      if (!call.coded) {
        await tx.query(
          `UPDATE calls SET coded = true, coded_by = 'dispatcher', contact_policy = 'silent' WHERE id = $1`,
          [call.id],
        );
        await this.events.append(tx, { id: call.incident_id, type: INCIDENT_STREAM }, [
          {
            type: 'CallFlaggedCoded',
            payload: { callId: call.id, incidentId: call.incident_id },
            actorId: principal.id,
            occurredAt: now,
          },
        ]);
      }
      // Flagged coded now: it must get a crew within the policy's seconds from now.
      await this.deadlines.scheduleAfter(
        tx,
        {
          kind: 'coded_call_unassigned',
          subjectType: 'incident',
          subjectId: call.incident_id,
          districtId: call.district_id,
          from: now,
          ruleKey: 'alert.codedCallUnassignedSeconds',
          unitSeconds: 1,
        },
        now,
      );
      const result = await this.commands.execute<ReassessIncidentCommand, ReassessResult>(
        new ReassessIncidentCommand(
          call.incident_id,
          { coded: true, reason: 'call flagged coded' },
          principal,
          now,
        ),
      );
      return {
        id: call.id,
        incidentId: call.incident_id,
        coded: true,
        contactPolicy: 'silent',
        priority: result.priority,
        riskLevel: result.riskLevel,
        reasons: result.reasons,
      };
    });
  }
}
