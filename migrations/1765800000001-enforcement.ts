import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Enforcement records: official warnings, protective orders and their violations, administrative
 * arrests, court-ordered special requirements, preventive registration, check-ins and the victim's
 * safe contact. Each decision row names the rule set it was taken under; a record dated before a
 * change of law keeps the old set forever (rule sets are never edited once used).
 */
export class Enforcement1765800000001 implements MigrationInterface {
  name = 'Enforcement1765800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE protective_orders (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        offender_person_id uuid NOT NULL REFERENCES persons(id),
        victim_person_id uuid NOT NULL REFERENCES persons(id),
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        status text NOT NULL CHECK (status IN ('issued', 'served', 'expired', 'revoked')),
        term_days integer NOT NULL CHECK (term_days > 0),
        issued_at timestamptz NOT NULL,
        served_at timestamptz NULL,
        expires_at timestamptz NULL,
        prohibitions text[] NOT NULL,
        victim_opinion text NOT NULL,
        repeat_offender boolean NOT NULL,
        revoked_at timestamptz NULL,
        revoke_reason text NULL,
        backdate_reason text NULL,
        issued_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT protective_orders_served CHECK (status <> 'served' OR (served_at IS NOT NULL AND expires_at IS NOT NULL))
      )`);
    // One active order per offender and victim: extend or replace instead. The database decides races.
    await q.query(`
      CREATE UNIQUE INDEX protective_orders_one_active ON protective_orders (offender_person_id, victim_person_id)
      WHERE status IN ('issued', 'served')`);
    await q.query(
      `CREATE INDEX protective_orders_district ON protective_orders (district_id, status, expires_at)`,
    );
    await q.query(
      `CREATE INDEX protective_orders_offender ON protective_orders (offender_person_id)`,
    );
    // The call desk looks orders up by the protected victim and by the incident's place.
    await q.query(`CREATE INDEX protective_orders_victim ON protective_orders (victim_person_id)`);
    await q.query(`CREATE INDEX protective_orders_incident ON protective_orders (incident_id)`);

    await q.query(`
      CREATE TABLE order_violations (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES protective_orders(id),
        incident_id uuid NOT NULL REFERENCES incidents(id),
        case_article text NOT NULL,
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        recorded_by uuid NOT NULL REFERENCES users(id),
        recorded_at timestamptz NOT NULL,
        CONSTRAINT order_violations_once UNIQUE (order_id, incident_id)
      )`);

    await q.query(`
      CREATE TABLE warnings (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        offender_person_id uuid NOT NULL REFERENCES persons(id),
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        issued_at timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        repeat_offender boolean NOT NULL,
        backdate_reason text NULL,
        issued_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX warnings_offender ON warnings (offender_person_id)`);

    await q.query(`
      CREATE TABLE arrests (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        offender_person_id uuid NOT NULL REFERENCES persons(id),
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        court_decision_ref text NOT NULL,
        days integer NOT NULL CHECK (days > 0),
        starts_at timestamptz NOT NULL,
        release_at timestamptz NOT NULL,
        repeat_offender boolean NOT NULL,
        backdate_reason text NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX arrests_offender ON arrests (offender_person_id, release_at)`);

    await q.query(`
      CREATE TABLE special_requirements (
        id uuid PRIMARY KEY,
        district_id uuid NOT NULL REFERENCES districts(id),
        offender_person_id uuid NOT NULL REFERENCES persons(id),
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        court_decision_ref text NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        months integer NOT NULL,
        check_ins_per_month integer NOT NULL,
        prohibitions text[] NOT NULL,
        backdate_reason text NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX special_requirements_offender ON special_requirements (offender_person_id)`,
    );

    await q.query(`
      CREATE TABLE preventive_registrations (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES persons(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        category text NOT NULL CHECK (category IN ('protective_order', 'special_requirements', 'official_warning')),
        source_id uuid NOT NULL,
        registered_from timestamptz NOT NULL,
        registered_until timestamptz NULL,
        ended_at timestamptz NULL,
        ended_reason text NULL,
        CONSTRAINT preventive_registrations_source UNIQUE (category, source_id)
      )`);
    await q.query(
      `CREATE INDEX preventive_registrations_person ON preventive_registrations (person_id)`,
    );

    await q.query(`
      CREATE TABLE check_ins (
        id uuid PRIMARY KEY,
        subject_type text NOT NULL CHECK (subject_type IN ('protective_order', 'warning', 'special_requirements', 'risk_review')),
        subject_id uuid NOT NULL,
        person_id uuid NOT NULL REFERENCES persons(id),
        district_id uuid NOT NULL REFERENCES districts(id),
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'due' CHECK (status IN ('due', 'completed', 'cancelled')),
        completed_at timestamptz NULL,
        outcome text NULL,
        notes text NULL,
        completed_by uuid NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX check_ins_due ON check_ins (district_id, due_at) WHERE status = 'due'`,
    );
    await q.query(`CREATE INDEX check_ins_subject ON check_ins (subject_id)`);
    await q.query(`CREATE INDEX check_ins_person ON check_ins (person_id)`);

    await q.query(`
      CREATE TABLE safe_contacts (
        id uuid PRIMARY KEY,
        person_id uuid NOT NULL REFERENCES persons(id),
        channel text NOT NULL CHECK (channel IN ('phone', 'trusted_person', 'crisis_centre')),
        value text NOT NULL,
        consent_at timestamptz NOT NULL,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL,
        withdrawn_at timestamptz NULL
      )`);
    await q.query(
      `CREATE INDEX safe_contacts_person ON safe_contacts (person_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'safe_contacts',
      'check_ins',
      'preventive_registrations',
      'special_requirements',
      'arrests',
      'warnings',
      'order_violations',
      'protective_orders',
    ])
      await q.query(`DROP TABLE ${table}`);
  }
}
