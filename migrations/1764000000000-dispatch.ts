import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Crews' locations, assignments with their status timeline, incident closing, dispatch policy. */
export class Dispatch1764000000000 implements MigrationInterface {
  name = 'Dispatch1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE units
        ADD COLUMN lat double precision NULL,
        ADD COLUMN lon double precision NULL,
        ADD COLUMN location_at timestamptz NULL`);

    await q.query(`
      ALTER TABLE incidents
        ADD COLUMN dispatched_at timestamptz NULL,
        ADD COLUMN on_scene_at timestamptz NULL,
        ADD COLUMN cleared_at timestamptz NULL,
        ADD COLUMN closed_at timestamptz NULL,
        ADD COLUMN disposition text NULL,
        ADD COLUMN closed_by uuid NULL REFERENCES users(id)`);
    // The queue's own order, open incidents only: the head of the queue is read off the index and
    // filtered by district, instead of sorting every open incident.
    await q.query(
      `CREATE INDEX incidents_open_queue ON incidents (priority, received_at, id) WHERE status = 'open'`,
    );

    await q.query(`
      CREATE TABLE assignments (
        id uuid PRIMARY KEY,
        incident_id uuid NOT NULL REFERENCES incidents(id),
        unit_id uuid NOT NULL REFERENCES units(id),
        status text NOT NULL CHECK (status IN ('assigned', 'en_route', 'on_scene', 'cleared', 'cancelled')),
        assigned_at timestamptz NOT NULL,
        en_route_at timestamptz NULL,
        on_scene_at timestamptz NULL,
        cleared_at timestamptz NULL,
        cancelled_at timestamptz NULL,
        cancel_reason text NULL,
        backdate_reason text NULL,
        assigned_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL
      )`);
    // A crew is on one incident at a time: the database enforces it, whatever the race.
    await q.query(`
      CREATE UNIQUE INDEX assignments_one_active_per_unit ON assignments (unit_id)
      WHERE status IN ('assigned', 'en_route', 'on_scene')`);
    await q.query(`CREATE INDEX assignments_incident ON assignments (incident_id)`);

    await q.query(
      `INSERT INTO rule_sets (kind, version, valid_from, description, values)
       VALUES ('dispatch', '2020.1', '2020-01-01T00:00:00+05:00', 'Queue aging, crew location freshness, response targets', $1::jsonb)`,
      [JSON.stringify(DISPATCH_2020_1)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM rule_sets WHERE kind = 'dispatch' AND version = '2020.1'`);
    await q.query(`DROP TABLE assignments`);
    await q.query(`DROP INDEX incidents_open_queue`);
    await q.query(`
      ALTER TABLE incidents DROP COLUMN dispatched_at, DROP COLUMN on_scene_at, DROP COLUMN cleared_at,
        DROP COLUMN closed_at, DROP COLUMN disposition, DROP COLUMN closed_by`);
    await q.query(`ALTER TABLE units DROP COLUMN lat, DROP COLUMN lon, DROP COLUMN location_at`);
  }
}

const NFPA = 'NFPA 1221/1225: answer-to-dispatch within 60-64 s for 90% of calls';

export const DISPATCH_2020_1 = {
  'queue.agingSeconds.p1': { value: 60, unit: 's', citation: NFPA },
  'queue.agingSeconds.p2': {
    value: 300,
    unit: 's',
    citation: 'this service: a P2 waiting 5 min is overdue',
  },
  'queue.agingSeconds.p3': {
    value: 1800,
    unit: 's',
    citation: 'this service: a P3 waiting 30 min is overdue',
  },
  'queue.agingSeconds.p4': {
    value: 7200,
    unit: 's',
    citation: 'this service: a P4 waiting 2 h is overdue',
  },
  'backdate.maxSeconds': {
    value: 900,
    unit: 's',
    citation: 'API.md: a record dated further back than the policy allows needs a backdateReason',
  },
  'location.staleSeconds': {
    value: 300,
    unit: 's',
    citation: 'this service: a crew position older than 5 min is not used for recommendations',
  },
  'target.answerSeconds': {
    value: 15,
    unit: 's',
    citation: 'NENA-STA-020.1: 90% of 911 calls answered within 15 s',
  },
  'target.dispatchSeconds': { value: 60, unit: 's', citation: NFPA },
  'target.attendanceSecondsUrban': {
    value: 900,
    unit: 's',
    citation: 'England and Wales police: top-priority attendance within 15 min urban',
  },
  'target.attendanceSecondsRural': {
    value: 1200,
    unit: 's',
    citation: 'England and Wales police: top-priority attendance within 20 min rural',
  },
};
