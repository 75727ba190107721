import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * When a crew was last released (cleared or cancelled): assigning it again starts no earlier, so
 * the record never shows one crew on two incidents at once. Served by this index, not a scan.
 */
export class AssignmentsByUnit1765200000001 implements MigrationInterface {
  name = 'AssignmentsByUnit1765200000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX assignments_unit_released ON assignments (unit_id, (COALESCE(cleared_at, cancelled_at)))
       WHERE status IN ('cleared', 'cancelled')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX assignments_unit_released`);
  }
}
