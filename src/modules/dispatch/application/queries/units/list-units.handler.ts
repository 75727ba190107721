import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { assertDistrictAccess } from '../../../../../common/district-scope';
import { type UnitView } from '../../commands/units/unit.commands';
import { toUnitView } from '../../commands/units/unit.handlers';
import { ListUnitsQuery } from './list-units.query';

@QueryHandler(ListUnitsQuery)
export class ListUnitsHandler implements IQueryHandler<ListUnitsQuery, UnitView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(q: ListUnitsQuery): Promise<UnitView[]> {
    if (q.districtId) assertDistrictAccess(q.principal, q.districtId);
    const rows = await this.uow
      .manager()
      .query(
        `SELECT * FROM units WHERE district_id = ANY($1::uuid[]) AND ($2::text IS NULL OR status = $2) ORDER BY call_sign`,
        [q.districtId ? [q.districtId] : q.principal.districtIds, q.status ?? null],
      );
    return rows.map(toUnitView);
  }
}
