import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { INCIDENT_STREAM } from '../../../domain/incident';
import { lockIncident } from '../../lock-incident';
import { CloseIncidentCommand } from './close-incident.command';

@CommandHandler(CloseIncidentCommand)
export class CloseIncidentHandler implements ICommandHandler<
  CloseIncidentCommand,
  { id: string; status: 'closed'; disposition: string }
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  execute(c: CloseIncidentCommand): Promise<{ id: string; status: 'closed'; disposition: string }> {
    return this.uow.run(async (tx) => {
      const incident = await lockIncident(tx, c.incidentId, c.principal);
      // After the lock: a crew cleared by a command that held it is recorded before the close.
      const now = this.clock.now();
      if (incident.status === 'closed')
        throw new DomainError('INCIDENT_CLOSED', 'conflict', 'The incident is already closed');
      const active = (await tx.query(
        `SELECT id FROM assignments WHERE incident_id = $1 AND status IN ('assigned', 'en_route', 'on_scene')`,
        [c.incidentId],
      )) as unknown[];
      if (active.length > 0) {
        throw new DomainError(
          'ASSIGNMENTS_ACTIVE',
          'conflict',
          'Clear or cancel the crews on this incident before closing it',
        );
      }
      await tx.query(
        `UPDATE incidents SET status = 'closed', disposition = $2, closed_at = $3, closed_by = $4, updated_at = $3 WHERE id = $1`,
        [c.incidentId, c.disposition, now, c.principal.id],
      );
      await this.events.append(tx, { id: c.incidentId, type: INCIDENT_STREAM }, [
        {
          type: 'IncidentClosed',
          payload: { incidentId: c.incidentId, disposition: c.disposition },
          actorId: c.principal.id,
          occurredAt: now,
        },
      ]);
      return { id: c.incidentId, status: 'closed', disposition: c.disposition };
    });
  }
}
