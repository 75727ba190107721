import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/persistence';
import { type AccessEntry, AccessLog } from '../application/access-log';

@Injectable()
export class SqlAccessLog extends AccessLog {
  constructor(private readonly uow: UnitOfWork) {
    super();
  }

  async record(e: AccessEntry): Promise<void> {
    await this.uow.manager().query(
      `INSERT INTO access_log (user_id, at, ip, subject_type, subject_id, query, endpoint, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.userId, e.at, e.ip, e.subjectType, e.subjectId, e.query ?? null, e.endpoint, e.outcome],
    );
  }
}
