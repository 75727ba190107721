import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { assertDistrictAccess, assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { INCIDENT_STREAM } from '../../../domain/incident';
import { AssignDistrictCommand } from './assign-district.command';

@CommandHandler(AssignDistrictCommand)
export class AssignDistrictHandler implements ICommandHandler<
  AssignDistrictCommand,
  { id: string; districtId: string }
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  execute(c: AssignDistrictCommand): Promise<{ id: string; districtId: string }> {
    return this.uow.run(async (tx) => {
      const [incident] = (await tx.query(
        `SELECT id, district_id, status FROM incidents WHERE id = $1 FOR UPDATE`,
        [c.incidentId],
      )) as Array<{ id: string; district_id: string | null; status: string }>;
      if (!incident) throw DomainError.notFound('Incident');
      const now = this.clock.now(); // after the incident's lock
      if (incident.district_id)
        assertInScope(c.principal, incident.district_id, {
          type: 'incident',
          id: incident.id,
          what: 'Incident',
        });
      assertDistrictAccess(c.principal, c.districtId);
      if (incident.status === 'closed') {
        throw new DomainError('INCIDENT_CLOSED', 'conflict', 'The incident is closed');
      }
      if (incident.district_id !== c.districtId) {
        await tx.query(`UPDATE incidents SET district_id = $2, updated_at = $3 WHERE id = $1`, [
          c.incidentId,
          c.districtId,
          now,
        ]);
        await this.events.append(tx, { id: c.incidentId, type: INCIDENT_STREAM }, [
          {
            type: 'IncidentDistrictAssigned',
            payload: { incidentId: c.incidentId, from: incident.district_id, to: c.districtId },
            actorId: c.principal.id,
            occurredAt: now,
          },
        ]);
      }
      return { id: c.incidentId, districtId: c.districtId };
    });
  }
}
