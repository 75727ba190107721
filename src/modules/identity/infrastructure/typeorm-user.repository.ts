import { Injectable } from '@nestjs/common';
import { preparedQuery } from '@app/persistence';
import { EntityManager } from 'typeorm';
import { UserRepository } from '../application/ports/user.repository';
import { User } from '../domain/user';
import { UserMapper } from './user.mapper';
import { UserOrmEntity } from './user.orm-entity';

@Injectable()
export class TypeormUserRepository extends UserRepository {
  async insert(tx: EntityManager, user: Omit<User, 'id'>): Promise<User> {
    const saved = await tx.getRepository(UserOrmEntity).save(UserMapper.toOrm(user));
    return UserMapper.toDomain(saved);
  }

  async update(tx: EntityManager, user: User): Promise<void> {
    await tx.getRepository(UserOrmEntity).save(UserMapper.toOrm(user));
  }

  async findById(
    db: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<User | null> {
    if (!options.lock) {
      // Every authenticated request re-reads its user: one plain statement, no entity metadata.
      // Prepared once per connection: parsing it cost as much as running it.
      const [row] = (await preparedQuery(
        db,
        'user_by_id_v1',
        `SELECT id, username, password_hash, role, district_ids, disabled, token_version, created_at,
           updated_at
         FROM users WHERE id = $1`,
        [id],
      )) as Array<{
        id: string;
        username: string;
        password_hash: string;
        role: string;
        district_ids: string[];
        disabled: boolean;
        token_version: number;
        created_at: Date;
        updated_at: Date;
      }>;
      return row
        ? {
            id: row.id,
            username: row.username,
            passwordHash: row.password_hash,
            role: row.role as User['role'],
            districtIds: [...row.district_ids].sort(),
            disabled: row.disabled,
            tokenVersion: row.token_version,
            createdAt: row.created_at,
            updatedAt: row.updated_at,
          }
        : null;
    }
    const found = await db.getRepository(UserOrmEntity).findOne({
      where: { id },
      ...(options.lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    return found ? UserMapper.toDomain(found) : null;
  }

  async findByUsername(db: EntityManager, username: string): Promise<User | null> {
    const found = await db
      .getRepository(UserOrmEntity)
      .createQueryBuilder('u')
      .where('lower(u.username) = lower(:username)', { username })
      .getOne();
    return found ? UserMapper.toDomain(found) : null;
  }

  async list(db: EntityManager): Promise<User[]> {
    const rows = await db.getRepository(UserOrmEntity).find({ order: { username: 'ASC' } });
    return rows.map(UserMapper.toDomain);
  }

  async unknownDistricts(db: EntityManager, ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = (await db.query(
      `SELECT x.id FROM unnest($1::uuid[]) AS x(id) LEFT JOIN districts d ON d.id = x.id WHERE d.id IS NULL`,
      [ids],
    )) as Array<{ id: string }>;
    return rows.map((r) => r.id);
  }
}
