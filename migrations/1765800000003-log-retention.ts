import { type MigrationInterface, type QueryRunner } from 'typeorm';

const LOGS = ['audit_log', 'access_log', 'login_attempts'];

/**
 * Audit, access and logon logs are kept at least 365 days (CJIS): the database refuses to change
 * any row, to delete one younger than that, or to truncate the table — whoever asks.
 */
export class LogRetention1765800000003 implements MigrationInterface {
  name = 'LogRetention1765800000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION logs_retention_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND OLD.at < now() - interval '365 days' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION '% rows are kept unchanged for at least 365 days', TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of LOGS) {
      await q.query(`
        CREATE TRIGGER ${table}_retention BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION logs_retention_guard()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION logs_retention_guard()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of LOGS) {
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_retention ON ${table}`);
    }
    await q.query(`DROP FUNCTION logs_retention_guard()`);
  }
}
