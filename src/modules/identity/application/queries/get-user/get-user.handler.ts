import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { UserRepository } from '../../ports/user.repository';
import { toUserView, UserView } from '../../tokens';
import { GetUserQuery } from './get-user.query';

@QueryHandler(GetUserQuery)
export class GetUserHandler implements IQueryHandler<GetUserQuery, UserView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
  ) {}

  async execute(query: GetUserQuery): Promise<UserView> {
    const user = await this.users.findById(this.uow.manager(), query.userId);
    if (!user) throw DomainError.notFound('User');
    return toUserView(user);
  }
}
