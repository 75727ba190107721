import { type EntityManager } from 'typeorm';
import { type User } from '../../domain/user';

export abstract class UserRepository {
  abstract insert(tx: EntityManager, user: Omit<User, 'id'>): Promise<User>;
  abstract update(tx: EntityManager, user: User): Promise<void>;
  abstract findById(
    db: EntityManager,
    id: string,
    options?: { lock?: boolean },
  ): Promise<User | null>;
  abstract findByUsername(db: EntityManager, username: string): Promise<User | null>;
  abstract list(db: EntityManager): Promise<User[]>;
  /** The ids among `ids` that name no district. */
  abstract unknownDistricts(db: EntityManager, ids: string[]): Promise<string[]>;
}
