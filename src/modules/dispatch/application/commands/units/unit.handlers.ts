import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import {
  pgErrorCode,
  PG_FOREIGN_KEY_VIOLATION,
  PG_UNIQUE_VIOLATION,
  rowsOf,
  UnitOfWork,
} from '@app/persistence';
import { assertInScope } from '../../../../../common/district-scope';
import { DomainError } from '../../../../../common/domain-error';
import { AuditLog } from '../../../../audit/application/audit-log';
import { UNIT_STREAM } from '../../../domain/assignment';
import { lockUnit, resolveAt } from '../../dispatch-rules';
import {
  CreateUnitCommand,
  ReportUnitLocationCommand,
  SetUnitStatusCommand,
  type UnitView,
} from './unit.commands';

interface UnitRow {
  id: string;
  call_sign: string;
  district_id: string;
  status: string;
  lat: number | null;
  lon: number | null;
  location_at: Date | null;
}

const toView = (r: UnitRow): UnitView => ({
  id: r.id,
  callSign: r.call_sign,
  districtId: r.district_id,
  status: r.status,
  lat: r.lat,
  lon: r.lon,
  locationAt: r.location_at?.toISOString() ?? null,
});
export { toView as toUnitView };

@CommandHandler(CreateUnitCommand)
export class CreateUnitHandler implements ICommandHandler<CreateUnitCommand, UnitView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute({ actor, callSign, districtId }: CreateUnitCommand): Promise<UnitView> {
    const now = this.clock.now();
    try {
      return await this.uow.run(async (tx) => {
        const [row] = await tx.query(
          `INSERT INTO units (id, call_sign, district_id, status, created_at, updated_at)
           VALUES ($1, $2, $3, 'available', $4, $4) RETURNING *`,
          [randomUUID(), callSign, districtId, now],
        );
        await this.events.append(tx, { id: row.id, type: UNIT_STREAM }, [
          {
            type: 'UnitCreated',
            payload: { unitId: row.id, callSign, districtId },
            actorId: actor.userId,
            occurredAt: now,
          },
        ]);
        await this.audit.record(tx, {
          actorId: actor.userId,
          action: 'unit.create',
          targetType: 'unit',
          targetId: row.id,
          ip: actor.ip,
          outcome: 'success',
          details: { callSign, districtId },
          at: now,
        });
        return toView(row);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) {
        throw new DomainError('CALL_SIGN_TAKEN', 'conflict', 'A crew with that call sign exists');
      }
      if (pgErrorCode(error) === PG_FOREIGN_KEY_VIOLATION) {
        throw DomainError.validation(
          'districtId',
          'UNKNOWN_DISTRICT',
          'districtId names no district',
        );
      }
      throw error;
    }
  }
}

@CommandHandler(ReportUnitLocationCommand)
export class ReportUnitLocationHandler implements ICommandHandler<
  ReportUnitLocationCommand,
  UnitView & { applied: boolean }
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  execute(c: ReportUnitLocationCommand): Promise<UnitView & { applied: boolean }> {
    return this.uow.run(async (tx) => {
      const unit = await lockUnit(tx, c.unitId);
      // Times are read after the crew's lock: recorded in the order the database decided.
      const now = this.clock.now();
      const at = resolveAt(c.at, now);
      assertInScope(c.principal, unit.district_id, { type: 'unit', id: c.unitId, what: 'Unit' });
      // A position that arrives late does not overwrite a newer one.
      const [row] = await rowsOf<UnitRow>(
        tx,
        `UPDATE units SET lat = $2, lon = $3, location_at = $4, updated_at = $5
         WHERE id = $1 AND (location_at IS NULL OR location_at <= $4) RETURNING *`,
        [c.unitId, c.lat, c.lon, at, now],
      );
      if (!row) {
        const [current] = await tx.query(`SELECT * FROM units WHERE id = $1`, [c.unitId]);
        return { ...toView(current), applied: false };
      }
      await this.events.append(tx, { id: c.unitId, type: UNIT_STREAM }, [
        {
          type: 'UnitLocationReported',
          payload: { unitId: c.unitId, lat: c.lat, lon: c.lon, at: at.toISOString() },
          actorId: c.principal.id,
          occurredAt: now,
        },
      ]);
      return { ...toView(row), applied: true };
    });
  }
}

@CommandHandler(SetUnitStatusCommand)
export class SetUnitStatusHandler implements ICommandHandler<SetUnitStatusCommand, UnitView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  execute(c: SetUnitStatusCommand): Promise<UnitView> {
    return this.uow.run(async (tx) => {
      const unit = await lockUnit(tx, c.unitId);
      const now = this.clock.now(); // after the lock, as every recorded time
      assertInScope(c.principal, unit.district_id, { type: 'unit', id: c.unitId, what: 'Unit' });
      const [active] = (await tx.query(
        `SELECT id FROM assignments WHERE unit_id = $1 AND status IN ('assigned', 'en_route', 'on_scene')`,
        [c.unitId],
      )) as Array<{ id: string }>;
      if (active) {
        throw new DomainError(
          'UNIT_BUSY',
          'conflict',
          'The crew is on an assignment; clear or cancel it first',
        );
      }
      const [row] = await rowsOf<UnitRow>(
        tx,
        `UPDATE units SET status = $2, updated_at = $3 WHERE id = $1 RETURNING *`,
        [c.unitId, c.status, now],
      );
      if (unit.status !== c.status) {
        await this.events.append(tx, { id: c.unitId, type: UNIT_STREAM }, [
          {
            type: 'UnitStatusChanged',
            payload: { unitId: c.unitId, from: unit.status, to: c.status },
            actorId: c.principal.id,
            occurredAt: now,
          },
        ]);
      }
      return toView(row);
    });
  }
}
