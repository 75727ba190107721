import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { type AccessEntry, AccessLog } from '../application/access-log';

@Injectable()
export class SqlAccessLog extends AccessLog {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  record(e: AccessEntry): Promise<void> {
    return this.insert(this.uow.manager(), e);
  }

  recordDetached(e: AccessEntry): Promise<void> {
    return this.insert(this.dataSource.manager, e);
  }

  async recordEach(e: Omit<AccessEntry, 'subjectId'>, subjectIds: string[]): Promise<void> {
    if (subjectIds.length === 0) return;
    await this.uow.manager().query(
      `INSERT INTO access_log (user_id, at, ip, subject_type, subject_id, query, endpoint, outcome)
       SELECT $1, $2, $3, $4, s, $6, $7, $8 FROM unnest($5::uuid[]) AS s`,
      [e.userId, e.at, e.ip, e.subjectType, subjectIds, e.query ?? null, e.endpoint, e.outcome],
    );
  }

  private async insert(db: EntityManager, e: AccessEntry): Promise<void> {
    await db.query(
      `INSERT INTO access_log (user_id, at, ip, subject_type, subject_id, query, endpoint, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.userId, e.at, e.ip, e.subjectType, e.subjectId, e.query ?? null, e.endpoint, e.outcome],
    );
  }
}
