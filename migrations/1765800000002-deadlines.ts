import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Deadlines and alerts. A deadline is a row written in the transaction that created the
 * obligation; firing claims due rows with FOR UPDATE SKIP LOCKED, re-reads the subject and writes
 * the alert under a unique key in one transaction, so a crash rolls back and another worker takes
 * the row at once, and nothing fires twice.
 */
export class Deadlines1765800000002 implements MigrationInterface {
  name = 'Deadlines1765800000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deadlines (
        id uuid PRIMARY KEY,
        kind text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        district_id uuid NULL REFERENCES districts(id),
        due_at timestamptz NOT NULL,
        rule_set_id uuid NOT NULL REFERENCES rule_sets(id),
        rule_key text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
        settled_at timestamptz NULL,
        settled_reason text NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT deadlines_once UNIQUE (kind, subject_id, due_at)
      )`);
    // The firing loop reads the head of this index: only pending rows, by due time.
    await q.query(
      `CREATE INDEX deadlines_pending_due ON deadlines (due_at) WHERE state = 'pending'`,
    );
    await q.query(`CREATE INDEX deadlines_subject ON deadlines (subject_id)`);

    await q.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY,
        deadline_id uuid NOT NULL REFERENCES deadlines(id),
        kind text NOT NULL,
        subject_type text NOT NULL,
        subject_id uuid NOT NULL,
        district_id uuid NULL REFERENCES districts(id),
        audience text[] NOT NULL,
        due_at timestamptz NOT NULL,
        fired_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
        acknowledged_at timestamptz NULL,
        acknowledged_by uuid NULL REFERENCES users(id),
        CONSTRAINT alerts_once_per_deadline UNIQUE (deadline_id)
      )`);
    await q.query(`CREATE INDEX alerts_inbox ON alerts (district_id, status, fired_at DESC)`);

    await q.query(
      `INSERT INTO rule_sets (kind, version, valid_from, description, values)
       VALUES ('deadlines', '2020.1', '2020-01-01T00:00:00+06:00',
               'Alert offsets: when a missed or coming obligation raises an alert', $1::jsonb)`,
      [JSON.stringify(DEADLINES_2020_1)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rule_sets WHERE kind = 'deadlines' AND version = '2020.1'`);
    await q.query(`DROP TABLE alerts`);
    await q.query(`DROP TABLE deadlines`);
  }
}

const SERVICE =
  'Service policy, not law (no Kazakh norm found); a region posts its own version with POST /policies';

export const DEADLINES_2020_1 = {
  'alert.codedCallUnassignedSeconds': {
    value: 60,
    unit: 's',
    citation:
      'NFPA 1221/1225: answer-to-dispatch within 60–64 s for 90% of calls; a coded call unassigned after that is late',
    confidence: 'M',
  },
  'alert.unacknowledgedEscalationSeconds': {
    value: 300,
    unit: 's',
    citation: `${SERVICE}: an alert nobody acknowledged in 5 minutes goes to the duty supervisor`,
    confidence: 'L',
  },
  'alert.orderNotServedHours': {
    value: 24,
    unit: 'h',
    citation: `${SERVICE}: the order's term runs from delivery, so an undelivered order protects nobody`,
    confidence: 'L',
  },
  'alert.orderExpiringLeadHours': {
    value: 72,
    unit: 'h',
    citation: `${SERVICE}: time to decide on a new order before the term ends`,
    confidence: 'L',
  },
  'alert.checkInReminderLeadHours': {
    value: 24,
    unit: 'h',
    citation: `${SERVICE}: a day's notice of a compliance check or risk review`,
    confidence: 'L',
  },
  'alert.arrestReleaseLeadHours': {
    value: 24,
    unit: 'h',
    citation: `${SERVICE}: the victim is told before the offender is out`,
    confidence: 'L',
  },
  'alert.reportUnprocessedSeconds': {
    value: 3600,
    unit: 's',
    citation: `${SERVICE}: a web report nobody has dispatched or closed within an hour`,
    confidence: 'L',
  },
};
