import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { DistrictView, ListDistrictsQuery } from './list-districts.query';

@QueryHandler(ListDistrictsQuery)
export class ListDistrictsHandler implements IQueryHandler<ListDistrictsQuery, DistrictView[]> {
  constructor(private readonly uow: UnitOfWork) {}

  execute(): Promise<DistrictView[]> {
    return this.uow
      .manager()
      .query(`SELECT id, code, name, region FROM districts ORDER BY region, name`);
  }
}
