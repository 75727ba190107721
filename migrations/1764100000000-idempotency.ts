import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Idempotency-Key: a retried write returns the first result instead of acting twice. */
export class Idempotency1764100000000 implements MigrationInterface {
  name = 'Idempotency1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users(id),
        key text NOT NULL,
        method text NOT NULL,
        path text NOT NULL,
        request_sha256 char(64) NOT NULL,
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
  }
}
