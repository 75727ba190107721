import { UserOrmEntity } from './modules/identity/infrastructure/user.orm-entity';

/** Every TypeORM entity, for tools that work outside Nest (migration generation). */
export const ormEntities = [UserOrmEntity];
