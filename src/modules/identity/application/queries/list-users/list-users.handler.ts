import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { UserRepository } from '../../ports/user.repository';
import { toUserView, UserView } from '../../tokens';
import { ListUsersQuery } from './list-users.query';

@QueryHandler(ListUsersQuery)
export class ListUsersHandler implements IQueryHandler<ListUsersQuery, UserView[]> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
  ) {}

  async execute(): Promise<UserView[]> {
    return (await this.users.list(this.uow.manager())).map(toUserView);
  }
}
