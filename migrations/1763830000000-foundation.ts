import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Foundation: reference districts, identity and audit, the append-only event store, crews.
 */
export class Foundation1763830000000 implements MigrationInterface {
  name = 'Foundation1763830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    await q.query(`
      CREATE TABLE districts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name text NOT NULL,
        region text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      INSERT INTO districts (code, name, region) VALUES
        ('AST-ALMATY', 'Almaty', 'Astana'),
        ('AST-BAIKONYR', 'Baikonyr', 'Astana'),
        ('AST-YESIL', 'Yesil', 'Astana'),
        ('AST-SARYARKA', 'Saryarka', 'Astana'),
        ('AST-NURA', 'Nura', 'Astana'),
        ('ALA-ALATAU', 'Alatau', 'Almaty city'),
        ('ALA-ALMALY', 'Almaly', 'Almaty city'),
        ('ALA-AUEZOV', 'Auezov', 'Almaty city'),
        ('ALA-BOSTANDYK', 'Bostandyk', 'Almaty city'),
        ('ALA-ZHETYSU', 'Zhetysu', 'Almaty city'),
        ('ALA-MEDEU', 'Medeu', 'Almaty city'),
        ('ALA-NAURYZBAY', 'Nauryzbay', 'Almaty city'),
        ('ALA-TURKSIB', 'Turksib', 'Almaty city')`);

    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('dispatcher', 'inspector', 'supervisor', 'prosecutor', 'admin')),
        district_ids uuid[] NOT NULL DEFAULT '{}',
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX users_username_key ON users (lower(username))`);

    // Every logon attempt, kept for the audit (CJIS 5.4.1.1): who, when, where from, outcome.
    await q.query(`
      CREATE TABLE login_attempts (
        id bigserial PRIMARY KEY,
        username text NOT NULL,
        user_id uuid NULL REFERENCES users(id),
        ip text NOT NULL,
        user_agent text NULL,
        at timestamptz NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('success', 'bad_credentials', 'locked', 'disabled', 'rate_limited'))
      )`);
    await q.query(
      `CREATE INDEX login_attempts_username_at ON login_attempts (lower(username), at DESC)`,
    );
    await q.query(`CREATE INDEX login_attempts_ip_at ON login_attempts (ip, at DESC)`);

    await q.query(`
      CREATE TABLE login_lockouts (
        username text PRIMARY KEY,
        failed_count int NOT NULL DEFAULT 0,
        window_started_at timestamptz NULL,
        locked_until timestamptz NULL
      )`);

    // Writes and privileged actions (never the data itself).
    await q.query(`
      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        actor_id uuid NULL,
        action text NOT NULL,
        target_type text NULL,
        target_id text NULL,
        at timestamptz NOT NULL,
        ip text NULL,
        outcome text NOT NULL,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX audit_log_actor_at ON audit_log (actor_id, at DESC)`);
    await q.query(`CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at DESC)`);

    // Event store: the audit trail. Append-only, hash-chained per stream.
    await q.query(`
      CREATE TABLE events (
        position bigserial PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        stream_id text NOT NULL,
        stream_type text NOT NULL,
        stream_version int NOT NULL CHECK (stream_version > 0),
        type text NOT NULL,
        payload jsonb NOT NULL,
        actor_id uuid NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        prev_hash char(64) NOT NULL,
        hash char(64) NOT NULL,
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
      )`);
    await q.query(`CREATE INDEX events_type_recorded ON events (type, recorded_at)`);
    await q.query(`
      CREATE TABLE event_stream_heads (
        stream_id text PRIMARY KEY,
        stream_type text NOT NULL,
        version int NOT NULL,
        hash char(64) NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
      FOR EACH ROW EXECUTE FUNCTION events_refuse_change()`);
    await q.query(`
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
      FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);
    await q.query(`
      CREATE FUNCTION stream_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR NEW.version <= OLD.version OR NEW.stream_id <> OLD.stream_id THEN
          RAISE EXCEPTION 'stream heads only move forward: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER stream_heads_forward_only BEFORE UPDATE OR DELETE ON event_stream_heads
      FOR EACH ROW EXECUTE FUNCTION stream_heads_forward_only()`);
    await q.query(`
      CREATE TRIGGER stream_heads_no_truncate BEFORE TRUNCATE ON event_stream_heads
      FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()`);

    // Crews; the dispatch capability extends this table.
    await q.query(`
      CREATE TABLE units (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        call_sign text NOT NULL UNIQUE,
        district_id uuid NOT NULL REFERENCES districts(id),
        status text NOT NULL DEFAULT 'available'
          CHECK (status IN ('available', 'dispatched', 'en_route', 'on_scene', 'off_duty')),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX units_district_status ON units (district_id, status)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE units`);
    await q.query(`DROP TABLE event_stream_heads`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION stream_heads_forward_only()`);
    await q.query(`DROP FUNCTION events_refuse_change()`);
    await q.query(`DROP TABLE audit_log`);
    await q.query(`DROP TABLE login_lockouts`);
    await q.query(`DROP TABLE login_attempts`);
    await q.query(`DROP TABLE users`);
    await q.query(`DROP TABLE districts`);
  }
}
