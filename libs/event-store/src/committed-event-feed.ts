import { type EventAppendedNotice } from './pg-listener';

/** Runs one statement (a pool's `query`): the feed holds no connection between reads. */
export type FeedQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

interface FeedRow {
  tx_id: string;
  position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  type: string;
}

/** Where the feed has read up to: the writing transaction's id, then the event's position. */
export interface FeedCursor {
  txId: string;
  position: string;
}

/**
 * The commit-safe mark, computed in the statement that reads with it (so from the same snapshot):
 * the oldest transaction id still running in this database, else the next id to be handed out.
 * The transactions of other databases of the cluster are skipped (they cannot write here, and a
 * long one elsewhere must not hold this feed back); one whose database cannot be told (statistics
 * of another role hidden, a prepared transaction) counts as ours: later, never lost.
 */
const HORIZON = `
  snap AS (SELECT pg_current_snapshot() AS s),
  elsewhere AS (
    SELECT a.backend_xid FROM pg_stat_activity a
    WHERE a.backend_xid IS NOT NULL
      AND a.datid IS DISTINCT FROM (SELECT oid FROM pg_database WHERE datname = current_database())),
  horizon AS (
    SELECT coalesce(
      (SELECT min(x) FROM snap, pg_snapshot_xip(snap.s) AS x
       WHERE NOT EXISTS (SELECT 1 FROM elsewhere e WHERE e.backend_xid = xid(x))),
      (SELECT pg_snapshot_xmax(s) FROM snap)) AS h)`;

/**
 * Reads committed events in an order in which none can be skipped: by the id of the transaction
 * that wrote them (`events.tx_id`), and only below the oldest transaction id still running in
 * this database (HORIZON). Every transaction below that mark has ended, and every transaction that
 * writes later gets a larger id, so once the cursor passes a point nothing can appear behind it.
 * `position` alone would not do: it is handed out at insert, and a transaction holding a lower
 * position may commit after one holding a higher position was read.
 *
 * The price: an event is seen only once every older writing transaction has ended, so a
 * transaction left open (idle in transaction, a long migration) holds the feed back, never loses
 * anything.
 */
export class CommittedEventFeed {
  private cursor: FeedCursor | null = null;

  constructor(
    private readonly query: FeedQuery,
    private readonly batchSize = 1_000,
  ) {}

  /** Starts at the present: what committed before is not read. */
  async start(): Promise<void> {
    const [row] = (await this.query(
      `WITH ${HORIZON} SELECT h::text AS tx_id FROM horizon`,
      [],
    )) as Array<{
      tx_id: string;
    }>;
    // Transactions with this id or above may still commit events: position 0 keeps them all.
    this.cursor = { txId: row.tx_id, position: '0' };
  }

  get position(): FeedCursor | null {
    return this.cursor;
  }

  /**
   * The events committed since the last read, as notices (one per stream and transaction, like
   * the announcements). Reads until it has caught up with the mark, or ten batches.
   */
  async read(): Promise<EventAppendedNotice[]> {
    if (!this.cursor) await this.start();
    const notices: EventAppendedNotice[] = [];
    // After a long hold-up, catch up over several reads rather than load everything at once.
    for (let batch = 0; batch < 10; batch++) {
      const cursor = this.cursor as FeedCursor;
      const rows = (await this.query(
        `WITH ${HORIZON}
         SELECT tx_id::text AS tx_id, position::text AS position, stream_id, stream_type, stream_version, type
         FROM events
         WHERE (tx_id, position) > ($1::xid8, $2::bigint)
           AND tx_id < (SELECT h FROM horizon)
         ORDER BY tx_id, position
         LIMIT $3`,
        [cursor.txId, cursor.position, this.batchSize],
      )) as FeedRow[];
      const byTxStream = new Map<string, EventAppendedNotice>();
      for (const row of rows) {
        const key = `${row.tx_id}\u0000${row.stream_id}`;
        const seen = byTxStream.get(key);
        if (seen) {
          if (!seen.types.includes(row.type)) seen.types.push(row.type);
          seen.version = Math.max(seen.version, row.stream_version);
          continue;
        }
        const notice = {
          streamId: row.stream_id,
          streamType: row.stream_type,
          types: [row.type],
          version: row.stream_version,
        };
        byTxStream.set(key, notice);
        notices.push(notice);
      }
      if (rows.length > 0) {
        const last = rows[rows.length - 1];
        this.cursor = { txId: last.tx_id, position: last.position };
      }
      if (rows.length < this.batchSize) break;
    }
    return notices;
  }
}
