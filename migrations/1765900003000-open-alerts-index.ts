import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * /metrics counts open alerts by kind at every scrape: a partial index keeps that a read of the
 * open ones only, however many acknowledged alerts the years pile up.
 */
export class OpenAlertsIndex1765900003000 implements MigrationInterface {
  name = 'OpenAlertsIndex1765900003000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX alerts_open_by_kind ON alerts (kind) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX alerts_open_by_kind`);
  }
}
