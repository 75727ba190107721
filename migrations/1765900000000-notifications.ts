import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { PGBOSS_24_SCHEMA } from './pgboss-24-schema';

/**
 * Outbound notifications to a victim's recorded safe contact, delivered through pg-boss (a
 * PostgreSQL job queue) by signed webhooks.
 *
 * - The pg-boss schema is created here, by the migration job, not by the library at start-up:
 *   instances start it with `migrate: false` and only check its version, so N API replicas and
 *   M workers never race on DDL. Its two queues are created here too.
 * - `notifications` is the record of every notification decided, sent or not: `no_safe_channel`
 *   (nothing was sent), `not_configured` (no webhook configured), `pending`, `sent`, `dead` (the
 *   retries ran out; an admin may replay it). One per cause, victim and kind: a deadline that
 *   fires twice cannot notify twice.
 * - The `notifications` rule set: which events notify the victim, retries, back-off, timeouts.
 */
export class Notifications1765900000000 implements MigrationInterface {
  name = 'Notifications1765900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(PGBOSS_24_SCHEMA);
    // The dead-letter queue first: the delivery queue names it (a foreign key).
    await q.query(`SELECT pgboss.create_queue('notify-dead', '{"policy":"standard"}'::json)`);
    await q.query(
      `SELECT pgboss.create_queue('notify-deliver', '{"policy":"standard","deadLetter":"notify-dead"}'::json)`,
    );

    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY,
        kind text NOT NULL,
        source_type text NOT NULL CHECK (source_type IN ('alert', 'protective_order')),
        source_id uuid NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        person_id uuid NOT NULL REFERENCES persons(id),
        district_id uuid NULL REFERENCES districts(id),
        channel text NULL CHECK (channel IN ('sms', 'crisis_centre')),
        safe_contact_id uuid NULL REFERENCES safe_contacts(id),
        payload jsonb NULL,
        status text NOT NULL
          CHECK (status IN ('pending', 'sent', 'dead', 'not_configured', 'no_safe_channel')),
        reason text NULL,
        attempts integer NOT NULL DEFAULT 0,
        replays integer NOT NULL DEFAULT 0,
        job_id uuid NULL,
        last_error text NULL,
        last_attempt_at timestamptz NULL,
        sent_at timestamptz NULL,
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT notifications_once UNIQUE (source_id, kind, person_id),
        CONSTRAINT notifications_addressed CHECK (
          status = 'no_safe_channel' OR (channel IS NOT NULL AND safe_contact_id IS NOT NULL AND payload IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX notifications_by_status ON notifications (status, created_at DESC, id)`,
    );
    await q.query(`CREATE INDEX notifications_subject ON notifications (subject_id)`);
    // A safe contact that is the number of a coded call is refused: looked up by number.
    await q.query(`CREATE INDEX calls_coded_caller_phone ON calls (caller_phone) WHERE coded`);

    await q.query(
      `INSERT INTO rule_sets (kind, version, valid_from, description, values)
       VALUES ('notifications', '2020.1', '2020-01-01T00:00:00+06:00',
               'Outbound notifications to a victim''s safe contact: which events, retries, back-off', $1::jsonb)`,
      [JSON.stringify(NOTIFICATIONS_2020_1)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX calls_coded_caller_phone`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DELETE FROM rule_sets WHERE kind = 'notifications' AND version = '2020.1'`);
    await q.query(`DROP SCHEMA pgboss CASCADE`);
  }
}

const SERVICE =
  'Service policy, not law (no Kazakh norm found); a region posts its own version with POST /policies';
const OPERATIONAL = 'Operational: how the service delivers, not a legal value';

export const NOTIFICATIONS_2020_1 = {
  'notify.victim.arrest_release_upcoming': {
    value: true,
    citation: `${SERVICE}: the victim is told before the offender is out (lead time: deadlines alert.arrestReleaseLeadHours)`,
    confidence: 'L',
  },
  'notify.victim.offender_released': {
    value: true,
    citation: `${SERVICE}: the victim is told when the offender is released`,
    confidence: 'L',
  },
  'notify.victim.order_served': {
    value: true,
    citation: `${SERVICE}: the order protects from delivery (Law No. 245-VIII Art. 60; term from delivery), so the victim learns when it starts`,
    confidence: 'L',
  },
  'notify.victim.order_expiring': {
    value: true,
    citation: `${SERVICE}: the victim learns the protection is ending (lead time: deadlines alert.orderExpiringLeadHours)`,
    confidence: 'L',
  },
  'notify.victim.order_expired': {
    value: true,
    citation: `${SERVICE}: the victim learns the protection has ended`,
    confidence: 'L',
  },
  'notify.maxAttempts': {
    value: 6,
    unit: 'attempts',
    citation: `${OPERATIONAL}: six attempts over about ten minutes, then the dead-letter list for an admin`,
    confidence: 'L',
  },
  'notify.retryBaseSeconds': {
    value: 10,
    unit: 's',
    citation: `${OPERATIONAL}: exponential back-off from 10 s (10–20, 20–40, 40–80 s … with jitter)`,
    confidence: 'L',
  },
  'notify.attemptTimeoutSeconds': {
    value: 5,
    unit: 's',
    citation: `${OPERATIONAL}: a gateway that has not answered in 5 s is retried later`,
    confidence: 'L',
  },
  'notify.jobExpireSeconds': {
    value: 30,
    unit: 's',
    citation: `${OPERATIONAL}: a delivery held this long by a worker that died is given to another (issue 10: within 2 minutes)`,
    confidence: 'L',
  },
};
