import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Rule sets, passphrases and districts are cached in every instance (issue 8: they were read on
 * every call). A write to them, by the service or by hand in psql, announces itself on
 * `reference_changed` so every instance drops its copy; the payload names the table.
 */
export class ReferenceChangeNotify1765700000001 implements MigrationInterface {
  name = 'ReferenceChangeNotify1765700000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_reference_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('reference_changed', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of ['rule_sets', 'passphrases', 'districts']) {
      await q.query(`
        CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION notify_reference_changed()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['rule_sets', 'passphrases', 'districts']) {
      await q.query(`DROP TRIGGER ${table}_changed ON ${table}`);
    }
    await q.query(`DROP FUNCTION notify_reference_changed()`);
  }
}
