import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Issue 8: the live stream no longer depends on a NOTIFY inside every writing transaction (that
 * NOTIFY takes a database-wide lock held through the commit's WAL flush, so commits queue one
 * behind another). Announcements are sent after commit, best effort; what a lost announcement
 * missed is found by reading the events themselves in commit-safe order: by the id of the
 * transaction that wrote them, up to the oldest transaction still running. Positions (a sequence)
 * are handed out before commit and commit out of order, so they cannot serve as that cursor.
 *
 * Added without a default first and then given one: existing rows keep NULL (they are history
 * the live stream never needs), so the table is not rewritten.
 */
export class EventsCommitOrder1765900004000 implements MigrationInterface {
  name = 'EventsCommitOrder1765900004000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events ADD COLUMN tx_id xid8`);
    await q.query(`ALTER TABLE events ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX events_commit_order ON events (tx_id, position)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_commit_order`);
    await q.query(`ALTER TABLE events DROP COLUMN tx_id`);
  }
}
