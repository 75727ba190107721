import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * API.md's riskLevel includes `not_assessed`: a call nobody has asked the risk questions about is
 * not low risk. Rows written before keep the level they were given (their events say so too).
 */
export class RiskLevelNotAssessed1765400000001 implements MigrationInterface {
  name = 'RiskLevelNotAssessed1765400000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE incidents DROP CONSTRAINT incidents_risk_level_check`);
    await q.query(
      `ALTER TABLE incidents ADD CONSTRAINT incidents_risk_level_check
         CHECK (risk_level IN ('not_assessed', 'low', 'medium', 'high', 'extreme'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE incidents SET risk_level = 'low' WHERE risk_level = 'not_assessed'`);
    await q.query(`ALTER TABLE incidents DROP CONSTRAINT incidents_risk_level_check`);
    await q.query(
      `ALTER TABLE incidents ADD CONSTRAINT incidents_risk_level_check
         CHECK (risk_level IN ('low', 'medium', 'high', 'extreme'))`,
    );
  }
}
