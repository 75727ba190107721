-- The app's own database role: reads and writes its tables, but may only INSERT and SELECT on the
-- event store and the audit, access and logon logs. Migrations keep running as the owner
-- (DATABASE_MIGRATION_URL); the app connects as this role (DATABASE_URL).
--
-- Run as the owner of the schema (the role migrations run as), on the app's database, after the
-- first migration run:
--   psql "$DATABASE_MIGRATION_URL" -v ON_ERROR_STOP=1 -f deploy/roles.sql
--   psql "$DATABASE_MIGRATION_URL" -c "ALTER ROLE dispatch_app PASSWORD '…'"   (or \password)
-- It is idempotent: run it again after any migration that creates a table the app must not
-- change (new tables otherwise get full DML through the default privileges below).
-- Creating the role needs CREATEROLE; where the owner lacks it, create the role beforehand.
-- Plain SQL (no psql variables), so test/db-roles.e2e-spec.ts runs this very file.

DO $$
BEGIN
  CREATE ROLE dispatch_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN
  NULL;
END $$;

DO $$
BEGIN
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO dispatch_app', current_database());
END $$;

GRANT USAGE ON SCHEMA public TO dispatch_app;

-- Operational tables: the app reads and writes them.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO dispatch_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dispatch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO dispatch_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO dispatch_app;

-- The audit trail: append and read, nothing else (the triggers refuse it too, but a trigger can
-- be switched off by the owner; a privilege the role never had cannot).
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
  ON events, audit_log, access_log, login_attempts FROM dispatch_app;
-- Stream heads move forward (UPDATE, checked by a trigger) and are never removed.
REVOKE DELETE, TRUNCATE, REFERENCES, TRIGGER ON event_stream_heads FROM dispatch_app;
-- The migration history is the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON migrations FROM dispatch_app;
