import { type MigrationInterface, type QueryRunner } from 'typeorm';

const BEFORE = ['person', 'incident', 'call', 'unit', 'assignment'];
const AFTER = [...BEFORE, 'protective_order', 'check_in', 'alert'];

const check = (types: string[]) =>
  `ALTER TABLE access_log ADD CONSTRAINT access_log_subject_type_check CHECK (subject_type IN (${types
    .map((t) => `'${t}'`)
    .join(', ')}))`;

/** Refusals on enforcement records (orders, check-ins, alerts) are access-logged too. */
export class AccessLogEnforcementSubjects1765800000004 implements MigrationInterface {
  name = 'AccessLogEnforcementSubjects1765800000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP CONSTRAINT access_log_subject_type_check`);
    await q.query(check(AFTER));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE access_log DROP CONSTRAINT access_log_subject_type_check`);
    await q.query(check(BEFORE));
  }
}
