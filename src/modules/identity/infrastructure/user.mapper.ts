import { type Role } from '../../../common/roles';
import { type User } from '../domain/user';
import { UserOrmEntity } from './user.orm-entity';

export const UserMapper = {
  toDomain(e: UserOrmEntity): User {
    return {
      id: e.id,
      username: e.username,
      passwordHash: e.passwordHash,
      role: e.role as Role,
      districtIds: [...e.districtIds].sort(),
      disabled: e.disabled,
      tokenVersion: e.tokenVersion ?? 0,
      createdAt: e.createdAt,
      updatedAt: e.updatedAt,
    };
  },
  toOrm(u: Omit<User, 'id'> & { id?: string }): UserOrmEntity {
    return Object.assign(new UserOrmEntity(), u);
  },
};
