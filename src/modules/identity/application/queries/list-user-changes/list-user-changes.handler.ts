import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { type UserChangeView } from '../../commands/user-changes/user-change.commands';
import { toChangeView, UserChanges } from '../../commands/user-changes/user-change.repository';
import { ListUserChangesQuery } from './list-user-changes.query';

@QueryHandler(ListUserChangesQuery)
export class ListUserChangesHandler implements IQueryHandler<
  ListUserChangesQuery,
  UserChangeView[]
> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(q: ListUserChangesQuery): Promise<UserChangeView[]> {
    return (await UserChanges.list(this.uow.manager(), q.status)).map(toChangeView);
  }
}
