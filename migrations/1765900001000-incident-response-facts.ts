import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The prosecutors' response-time report (issue 11) reads one narrow row per incident: its four
 * step times (received, answered, first crew dispatched, first crew on scene), its district,
 * priority and source, and the response targets of the `dispatch` rule set in force when the call
 * was received, with the intervals and the breach flag computed once, at write time.
 *
 * Kept correct by triggers, in the transaction of the statement that changed the incident or its
 * call: the step times are written by three modules (intake, incidents, dispatch), a module never
 * writes another's tables (DESIGN.md), and a trigger also covers every future command and any
 * correction made by hand in psql. It adds no round trip; the UPDATE trigger fires only when a
 * column the report reads actually changed (status and updated_at churn do not touch it).
 */
export class IncidentResponseFacts1765900001000 implements MigrationInterface {
  name = 'IncidentResponseFacts1765900001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incident_response_facts (
        incident_id uuid PRIMARY KEY REFERENCES incidents(id) ON DELETE CASCADE,
        district_id uuid NULL REFERENCES districts(id),
        priority smallint NOT NULL,
        source text NOT NULL,
        received_at timestamptz NOT NULL,
        answered_at timestamptz NULL,
        dispatched_at timestamptz NULL,
        on_scene_at timestamptz NULL,
        rule_set_id uuid NULL REFERENCES rule_sets(id),
        answer_target_s integer NULL,
        dispatch_target_s integer NULL,
        attendance_target_s integer NULL,
        answer_s double precision GENERATED ALWAYS AS (extract(epoch FROM answered_at - received_at)) STORED,
        dispatch_s double precision GENERATED ALWAYS AS (extract(epoch FROM dispatched_at - answered_at)) STORED,
        travel_s double precision GENERATED ALWAYS AS (extract(epoch FROM on_scene_at - dispatched_at)) STORED,
        response_s double precision GENERATED ALWAYS AS (extract(epoch FROM on_scene_at - received_at)) STORED,
        breach boolean GENERATED ALWAYS AS (
          COALESCE(extract(epoch FROM answered_at - received_at) > answer_target_s, false)
          OR COALESCE(extract(epoch FROM dispatched_at - answered_at) > dispatch_target_s, false)
          OR COALESCE(extract(epoch FROM on_scene_at - received_at) > attendance_target_s, false)) STORED
      )`);
    // The report scans a time range (national) or one district's time range.
    await q.query(
      `CREATE INDEX incident_response_facts_received ON incident_response_facts (received_at)`,
    );
    await q.query(
      `CREATE INDEX incident_response_facts_district_received ON incident_response_facts (district_id, received_at)`,
    );

    // PL/pgSQL, not SQL: its statement's plan is prepared once per session and reused, where a
    // SQL function called from a trigger is planned again on every row (1.5 ms against 0.1 ms).
    await q.query(`
      CREATE FUNCTION refresh_incident_response_facts(target uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        ${UPSERT_FACTS.replace('$WHERE', 'WHERE i.id = target')};
      END $$`);
    await q.query(`
      CREATE FUNCTION incident_response_facts_from_incident() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_incident_response_facts(NEW.id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE FUNCTION incident_response_facts_from_call() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_incident_response_facts(NEW.incident_id);
        IF TG_OP = 'UPDATE' AND OLD.incident_id IS DISTINCT FROM NEW.incident_id THEN
          PERFORM refresh_incident_response_facts(OLD.incident_id);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER incident_response_facts_insert AFTER INSERT ON incidents
      FOR EACH ROW EXECUTE FUNCTION incident_response_facts_from_incident()`);
    await q.query(`
      CREATE TRIGGER incident_response_facts_update AFTER UPDATE ON incidents
      FOR EACH ROW WHEN (
        OLD.district_id IS DISTINCT FROM NEW.district_id OR OLD.priority IS DISTINCT FROM NEW.priority
        OR OLD.source IS DISTINCT FROM NEW.source OR OLD.received_at IS DISTINCT FROM NEW.received_at
        OR OLD.dispatched_at IS DISTINCT FROM NEW.dispatched_at OR OLD.on_scene_at IS DISTINCT FROM NEW.on_scene_at)
      EXECUTE FUNCTION incident_response_facts_from_incident()`);
    await q.query(`
      CREATE TRIGGER incident_response_facts_call AFTER INSERT OR UPDATE OF incident_id, answered_at ON calls
      FOR EACH ROW EXECUTE FUNCTION incident_response_facts_from_call()`);

    // Backfill: the same statement over every incident.
    await q.query(UPSERT_FACTS.replace('$WHERE', ''));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER incident_response_facts_call ON calls`);
    await q.query(`DROP TRIGGER incident_response_facts_update ON incidents`);
    await q.query(`DROP TRIGGER incident_response_facts_insert ON incidents`);
    await q.query(`DROP FUNCTION incident_response_facts_from_call()`);
    await q.query(`DROP FUNCTION incident_response_facts_from_incident()`);
    await q.query(`DROP FUNCTION refresh_incident_response_facts(uuid)`);
    await q.query(`DROP TABLE incident_response_facts`);
  }
}

/**
 * One fact row per incident: answered is the earliest answer of its calls (web reports have
 * none); the targets are those of the `dispatch` rule set in force at the incident's receipt
 * (the choice RuleSetRepository.activeAt makes, and the one the arrival_overdue deadline uses:
 * the urban attendance target — districts carry no urban/rural flag yet). Exported for the
 * benchmark, which bulk-loads incidents and then fills the facts with this same statement.
 */
export const UPSERT_FACTS = `
  INSERT INTO incident_response_facts AS f (incident_id, district_id, priority, source, received_at,
    answered_at, dispatched_at, on_scene_at, rule_set_id, answer_target_s, dispatch_target_s, attendance_target_s)
  SELECT i.id, i.district_id, i.priority, i.source, i.received_at, c.answered_at, i.dispatched_at,
    i.on_scene_at, r.id, (r.values->'target.answerSeconds'->>'value')::numeric::int,
    (r.values->'target.dispatchSeconds'->>'value')::numeric::int,
    (r.values->'target.attendanceSecondsUrban'->>'value')::numeric::int
  FROM incidents i
  LEFT JOIN LATERAL (SELECT min(x.answered_at) AS answered_at FROM calls x WHERE x.incident_id = i.id) c ON true
  LEFT JOIN LATERAL (
    SELECT s.id, s.values FROM rule_sets s
    WHERE s.kind = 'dispatch' AND s.valid_from <= i.received_at AND (s.valid_to IS NULL OR s.valid_to > i.received_at)
    ORDER BY s.valid_from DESC LIMIT 1) r ON true
  $WHERE
  ON CONFLICT (incident_id) DO UPDATE SET district_id = EXCLUDED.district_id, priority = EXCLUDED.priority,
    source = EXCLUDED.source, received_at = EXCLUDED.received_at, answered_at = EXCLUDED.answered_at,
    dispatched_at = EXCLUDED.dispatched_at, on_scene_at = EXCLUDED.on_scene_at, rule_set_id = EXCLUDED.rule_set_id,
    answer_target_s = EXCLUDED.answer_target_s, dispatch_target_s = EXCLUDED.dispatch_target_s,
    attendance_target_s = EXCLUDED.attendance_target_s
  WHERE (f.district_id, f.priority, f.source, f.received_at, f.answered_at, f.dispatched_at, f.on_scene_at,
         f.rule_set_id, f.answer_target_s, f.dispatch_target_s, f.attendance_target_s)
    IS DISTINCT FROM (EXCLUDED.district_id, EXCLUDED.priority, EXCLUDED.source, EXCLUDED.received_at,
         EXCLUDED.answered_at, EXCLUDED.dispatched_at, EXCLUDED.on_scene_at, EXCLUDED.rule_set_id,
         EXCLUDED.answer_target_s, EXCLUDED.dispatch_target_s, EXCLUDED.attendance_target_s)`;
