import { type ChainedEvent, findBreakInStream, GENESIS_HASH } from '@app/event-store';
import { type CheckpointHead } from './checkpoint';

export type BreakReason =
  | 'missing_event'
  | 'prev_hash_mismatch'
  | 'hash_mismatch'
  | 'head_mismatch'
  /** The checkpoint names the stream; the database has neither its events nor its head. */
  | 'missing_stream'
  /** The stream ends before the version the checkpoint saw. */
  | 'shorter_than_checkpoint'
  /** The event at the checkpointed version no longer has the checkpointed hash. */
  | 'checkpoint_hash_mismatch'
  /**
   * The stream began well before the newest checkpoint (its first event's recorded_at is older
   * than the checkpoint minus a margin for transactions in flight) and yet the checkpoint does
   * not name it: events forged into the past.
   */
  | 'not_in_checkpoint';

export interface BrokenLink {
  streamId: string;
  version: number;
  reason: BreakReason;
}

export interface ChainReport {
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBrokenAt?: BrokenLink;
}

/** What verification checks the database against: the newest signed checkpoint. */
export interface CheckpointView {
  heads: Map<string, CheckpointHead>;
  /** A stream the checkpoint does not name must not have begun before this instant. */
  unnamedNotBefore: Date;
}

/** Runs one statement; the caller gives every call of one verification the same snapshot. */
export type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;

export interface VerifyProgress {
  streamsChecked: number;
  eventsChecked: number;
  /** Stream ids are walked in the database's order; the last one done. */
  lastStreamId: string | null;
}

interface Row {
  stream_id: string;
  stream_type: string;
  stream_version: number;
  type: string;
  payload: unknown;
  actor_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
}

interface HeadRow {
  stream_id: string;
  version: number;
  hash: string;
}

const EVENT_COLUMNS = `stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash`;

const toChained = (r: Row): ChainedEvent => ({
  streamId: r.stream_id,
  streamType: r.stream_type,
  streamVersion: r.stream_version,
  type: r.type,
  payload: r.payload,
  actorId: r.actor_id,
  occurredAt: r.occurred_at,
  recordedAt: r.recorded_at,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Checks one stream: its hash chain, its head row, and — when a checkpoint names it — that the
 * event at the checkpointed version still carries the checkpointed hash (which catches a stream
 * rewritten or cut back together with its head, done by someone with the owner's rights).
 */
export function checkStream(
  streamId: string,
  events: ChainedEvent[],
  head: { version: number; hash: string } | null,
  checkpointed: CheckpointHead | undefined,
  unnamedNotBefore: Date | null = null,
): BrokenLink | null {
  if (events.length > 0 || head) {
    const broken = findBreakInStream(events, head ?? { version: 0, hash: GENESIS_HASH });
    if (broken) return { streamId, version: broken.version, reason: broken.reason };
  }
  if (checkpointed) {
    const [, version, hash] = checkpointed;
    if (events.length === 0) return { streamId, version: 1, reason: 'missing_stream' };
    if (events.length < version)
      return { streamId, version: events.length + 1, reason: 'shorter_than_checkpoint' };
    if (events[version - 1].hash !== hash)
      return { streamId, version, reason: 'checkpoint_hash_mismatch' };
  } else if (
    unnamedNotBefore &&
    events.length > 0 &&
    events[0].recordedAt.getTime() < unnamedNotBefore.getTime()
  ) {
    return { streamId, version: 1, reason: 'not_in_checkpoint' };
  }
  return null;
}

/**
 * Verifies every stream, or one, in pages of streams walked in stream-id order: per page one
 * query for the page's ids (heads ∪ events, both by index), one for its events, one for its
 * heads. The next page is asked for before this one is hashed, so the database works while Node
 * hashes. Memory is one page plus the checkpoint's head list. The caller runs all the queries
 * in one REPEATABLE READ snapshot, so concurrent appends cannot look like broken links.
 */
export class ChainVerifier {
  constructor(private readonly pageSize = 1000) {}

  async verifyStream(
    db: Query,
    streamId: string,
    checkpoint: CheckpointView | null,
  ): Promise<ChainReport> {
    const rows = (await db(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [streamId],
    )) as Row[];
    const heads = (await db(
      `SELECT stream_id, version, hash FROM event_stream_heads WHERE stream_id = $1`,
      [streamId],
    )) as HeadRow[];
    const checkpointed = checkpoint?.heads.get(streamId);
    if (rows.length === 0 && heads.length === 0 && !checkpointed)
      return { ok: true, streamsChecked: 0, eventsChecked: 0 };
    const broken = checkStream(
      streamId,
      rows.map(toChained),
      heads[0] ?? null,
      checkpointed,
      checkpoint?.unnamedNotBefore ?? null,
    );
    return {
      ok: broken === null,
      streamsChecked: 1,
      eventsChecked: rows.length,
      ...(broken ? { firstBrokenAt: broken } : {}),
    };
  }

  async verifyAll(
    db: Query,
    checkpoint: CheckpointView | null,
    onProgress: (p: VerifyProgress) => void = () => undefined,
  ): Promise<ChainReport> {
    const unseen = new Set(checkpoint?.heads.keys() ?? []);
    let streamsChecked = 0;
    let eventsChecked = 0;
    const report = (firstBrokenAt?: BrokenLink): ChainReport => ({
      ok: !firstBrokenAt,
      streamsChecked,
      eventsChecked,
      ...(firstBrokenAt ? { firstBrokenAt } : {}),
    });

    let next: Promise<Page> | null = this.fetchPage(db, '');
    while (next) {
      const page: Page = await next;
      // Ask for the following page before hashing this one.
      next = page.last === null ? null : this.fetchPage(db, page.last);
      const byStream = new Map<string, ChainedEvent[]>();
      for (const row of page.rows) {
        const list = byStream.get(row.stream_id);
        if (list) list.push(toChained(row));
        else byStream.set(row.stream_id, [toChained(row)]);
      }
      for (const id of page.ids) {
        const events = byStream.get(id) ?? [];
        const checkpointed = checkpoint?.heads.get(id);
        unseen.delete(id);
        streamsChecked += 1;
        eventsChecked += events.length;
        const broken = checkStream(
          id,
          events,
          page.heads.get(id) ?? null,
          checkpointed,
          checkpoint?.unnamedNotBefore ?? null,
        );
        if (broken) {
          await next?.catch(() => undefined);
          return report(broken);
        }
      }
      onProgress({
        streamsChecked,
        eventsChecked,
        lastStreamId: page.ids[page.ids.length - 1] ?? null,
      });
    }
    // Streams the checkpoint vouched for that the database no longer has at all.
    if (unseen.size > 0) {
      const missing = [...unseen].sort()[0];
      streamsChecked += unseen.size;
      return report({ streamId: missing, version: 1, reason: 'missing_stream' });
    }
    return report();
  }

  private async fetchPage(db: Query, after: string): Promise<Page> {
    const ids = (
      (await db(
        `SELECT stream_id FROM (
           (SELECT stream_id FROM event_stream_heads WHERE stream_id > $1 ORDER BY stream_id LIMIT $2)
           UNION
           (SELECT DISTINCT stream_id FROM events WHERE stream_id > $1 ORDER BY stream_id LIMIT $2)
         ) s ORDER BY stream_id LIMIT $2`,
        [after, this.pageSize],
      )) as Array<{ stream_id: string }>
    ).map((r) => r.stream_id);
    if (ids.length === 0) return { ids, rows: [], heads: new Map(), last: null };
    const last = ids[ids.length - 1];
    // Bounds in the database's own collation, so the events and heads match the ids exactly.
    const rows = (await db(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE stream_id > $1 AND stream_id <= $2
       ORDER BY stream_id, stream_version`,
      [after, last],
    )) as Row[];
    const heads = (await db(
      `SELECT stream_id, version, hash FROM event_stream_heads WHERE stream_id > $1 AND stream_id <= $2`,
      [after, last],
    )) as HeadRow[];
    return {
      ids,
      rows,
      heads: new Map(heads.map((h) => [h.stream_id, { version: h.version, hash: h.hash }])),
      last: ids.length < this.pageSize ? null : last,
    };
  }
}

interface Page {
  ids: string[];
  rows: Row[];
  heads: Map<string, { version: number; hash: string }>;
  /** Where the next page starts; null when this was the last. */
  last: string | null;
}
