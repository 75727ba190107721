import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A 102 call may come with no number: withheld, a payphone, a phone without a SIM. The incident
 * already allowed it; the call record now does too.
 */
export class CallsCallerPhoneOptional1765300000001 implements MigrationInterface {
  name = 'CallsCallerPhoneOptional1765300000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE calls ALTER COLUMN caller_phone DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Calls without a number cannot go back under NOT NULL; the revert refuses instead of guessing.
    await q.query(`ALTER TABLE calls ALTER COLUMN caller_phone SET NOT NULL`);
  }
}
