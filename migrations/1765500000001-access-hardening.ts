import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Who may see what:
 * - users.token_version: tokens carry it; a password reset or a disable bumps it, so every older
 *   token is refused (a counter, not a time: no clock skew between the issuer and the database);
 * - user_changes: account changes that need a second admin (separation of duties);
 * - incident_persons keeps the name, phone and birth date as recorded in that incident, so a
 *   person's details are shown only from incidents of the reader's districts;
 * - access_log may also record refusals on crews and assignments.
 */
export class AccessHardening1765500000001 implements MigrationInterface {
  name = 'AccessHardening1765500000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN token_version integer NOT NULL DEFAULT 0`);

    await q.query(`
      CREATE TABLE user_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('create', 'update')),
        user_id uuid NULL REFERENCES users(id),
        username text NULL,
        changes jsonb NOT NULL,
        password_hash text NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
        proposed_by uuid NULL REFERENCES users(id),
        proposed_at timestamptz NOT NULL,
        decided_by uuid NULL REFERENCES users(id),
        decided_at timestamptz NULL,
        CONSTRAINT user_changes_target CHECK (
          (kind = 'create' AND username IS NOT NULL) OR (kind = 'update' AND user_id IS NOT NULL)),
        CONSTRAINT user_changes_decided CHECK ((status = 'pending') = (decided_at IS NULL))
      )`);
    await q.query(`CREATE INDEX user_changes_status ON user_changes (status, proposed_at)`);

    await q.query(`ALTER TABLE incident_persons ADD COLUMN full_name text NULL`);
    await q.query(`ALTER TABLE incident_persons ADD COLUMN phone text NULL`);
    await q.query(`ALTER TABLE incident_persons ADD COLUMN birth_date date NULL`);
    // Until now a person's details were merged first-come: attribute them to the person's
    // earliest incident only, so no other district's link inherits them.
    await q.query(`
      UPDATE incident_persons ip SET full_name = p.full_name, phone = p.phone, birth_date = p.birth_date
      FROM persons p,
        LATERAL (SELECT ip2.incident_id FROM incident_persons ip2 JOIN incidents i ON i.id = ip2.incident_id
                 WHERE ip2.person_id = p.id ORDER BY i.received_at, i.id LIMIT 1) first
      WHERE ip.person_id = p.id AND ip.incident_id = first.incident_id`);

    await q.query(`ALTER TABLE access_log DROP CONSTRAINT access_log_subject_type_check`);
    await q.query(
      `ALTER TABLE access_log ADD CONSTRAINT access_log_subject_type_check CHECK (subject_type IN ('person', 'incident', 'call', 'unit', 'assignment'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM access_log WHERE subject_type IN ('unit', 'assignment')`);
    await q.query(`ALTER TABLE access_log DROP CONSTRAINT access_log_subject_type_check`);
    await q.query(
      `ALTER TABLE access_log ADD CONSTRAINT access_log_subject_type_check CHECK (subject_type IN ('person', 'incident', 'call'))`,
    );
    await q.query(`ALTER TABLE incident_persons DROP COLUMN birth_date`);
    await q.query(`ALTER TABLE incident_persons DROP COLUMN phone`);
    await q.query(`ALTER TABLE incident_persons DROP COLUMN full_name`);
    await q.query(`DROP TABLE user_changes`);
    await q.query(`ALTER TABLE users DROP COLUMN token_version`);
  }
}
