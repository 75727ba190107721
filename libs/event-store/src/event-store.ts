import { randomUUID } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import {
  type ChainBreak,
  type ChainedEvent,
  chainHash,
  findBreakInStream,
  GENESIS_HASH,
} from './hash-chain';

export interface NewEvent {
  type: string;
  payload: Record<string, unknown>;
  actorId: string | null;
  occurredAt: Date;
}

export interface StoredEvent extends ChainedEvent {
  id: string;
  position: string;
}

export class StreamVersionConflictError extends Error {
  readonly code = 'STREAM_VERSION_CONFLICT';
  constructor(
    readonly streamId: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${streamId} is at version ${actual}, expected ${expected}`);
  }
}

export interface VerifyResult {
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBrokenAt?: { streamId: string; version: number; reason: ChainBreak['reason'] };
}

/** Channel on which every committed append is announced (payload: stream id, type and versions). */
export const EVENTS_CHANNEL = 'event_appended';

/** Distinct event types named in one notification; ids and types are short, so this stays small. */
const MAX_NOTIFIED_TYPES = 32;

interface EventRow {
  id: string;
  position: string;
  stream_id: string;
  stream_type: string;
  stream_version: number;
  type: string;
  payload: Record<string, unknown>;
  actor_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
  prev_hash: string;
  hash: string;
}

const toStored = (r: EventRow): StoredEvent => ({
  id: r.id,
  position: String(r.position),
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
 * Append-only, hash-chained event store. Appends join the caller's transaction: events are
 * durable exactly when the state change they describe is.
 */
export class EventStore {
  constructor(private readonly now: () => Date) {}

  async append(
    tx: EntityManager,
    stream: { id: string; type: string },
    events: NewEvent[],
    options: { expectedVersion?: number } = {},
  ): Promise<StoredEvent[]> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('EventStore.append must run inside the caller’s transaction');
    }
    if (events.length === 0) return [];
    // Serialise appends to one stream (not across streams) until this transaction ends.
    await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [stream.id]);
    const [head] = (await tx.query(
      'SELECT version, hash FROM event_stream_heads WHERE stream_id = $1',
      [stream.id],
    )) as Array<{ version: number; hash: string }>;
    const currentVersion = head?.version ?? 0;
    if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
      throw new StreamVersionConflictError(stream.id, options.expectedVersion, currentVersion);
    }
    const recordedAt = this.now();
    let prevHash = head?.hash ?? GENESIS_HASH;
    const chained: Array<ChainedEvent & { id: string }> = events.map((event, i) => {
      const hashed = {
        streamId: stream.id,
        streamType: stream.type,
        streamVersion: currentVersion + i + 1,
        type: event.type,
        payload: event.payload,
        actorId: event.actorId,
        occurredAt: event.occurredAt,
        recordedAt,
      };
      const hash = chainHash(prevHash, hashed);
      const row = { ...hashed, id: randomUUID(), prevHash, hash };
      prevHash = hash;
      return row;
    });
    const values: unknown[] = [];
    const tuples = chained.map((e, i) => {
      values.push(
        e.id,
        e.streamId,
        e.streamType,
        e.streamVersion,
        e.type,
        JSON.stringify(e.payload),
        e.actorId,
        e.occurredAt,
        e.recordedAt,
        e.prevHash,
        e.hash,
      );
      const b = i * 11;
      return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6}::jsonb,$${b + 7},$${b + 8},$${b + 9},$${b + 10},$${b + 11})`;
    });
    const inserted = (await tx.query(
      `INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash)
       VALUES ${tuples.join(',')} RETURNING position`,
      values,
    )) as Array<{ position: string }>;
    const last = chained[chained.length - 1];
    await tx.query(
      `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, updated_at = excluded.updated_at`,
      [stream.id, stream.type, last.streamVersion, last.hash, recordedAt],
    );
    await tx.query('SELECT pg_notify($1, $2)', [
      EVENTS_CHANNEL,
      JSON.stringify({
        streamId: stream.id,
        streamType: stream.type,
        // NOTIFY payloads must stay under 8000 bytes, or the whole transaction fails.
        types: [...new Set(chained.map((e) => e.type))].slice(0, MAX_NOTIFIED_TYPES),
        version: last.streamVersion,
      }),
    ]);
    return chained.map((e, i) => ({ ...e, position: String(inserted[i].position) }));
  }

  async readStream(db: EntityManager, streamId: string): Promise<StoredEvent[]> {
    const rows = (await db.query(
      'SELECT * FROM events WHERE stream_id = $1 ORDER BY stream_version',
      [streamId],
    )) as EventRow[];
    return rows.map(toStored);
  }

  /**
   * Re-computes every hash of one stream, or of all streams, and reports the first broken link.
   * Reads streams in pages so a large store is not loaded at once.
   */
  async verify(db: EntityManager, streamId?: string): Promise<VerifyResult> {
    let streamsChecked = 0;
    let eventsChecked = 0;
    const pageSize = 500;
    let after = '';
    for (;;) {
      const streams = streamId
        ? ((await db.query(
            `SELECT $1::text AS stream_id, h.version, h.hash FROM (SELECT 1) one
             LEFT JOIN event_stream_heads h ON h.stream_id = $1`,
            [streamId],
          )) as Array<{ stream_id: string; version: number | null; hash: string | null }>)
        : ((await db.query(
            `SELECT s.stream_id, h.version, h.hash FROM (
               SELECT stream_id FROM event_stream_heads WHERE stream_id > $1
               UNION SELECT DISTINCT stream_id FROM events WHERE stream_id > $1
             ) s LEFT JOIN event_stream_heads h USING (stream_id)
             ORDER BY s.stream_id LIMIT $2`,
            [after, pageSize],
          )) as Array<{ stream_id: string; version: number | null; hash: string | null }>);
      for (const s of streams) {
        const events = await this.readStream(db, s.stream_id);
        if (events.length === 0 && s.version === null) continue;
        streamsChecked += 1;
        eventsChecked += events.length;
        const head =
          s.version === null || s.hash === null
            ? { version: 0, hash: GENESIS_HASH }
            : { version: s.version, hash: s.hash };
        const broken = findBreakInStream(events, head);
        if (broken) {
          return {
            ok: false,
            streamsChecked,
            eventsChecked,
            firstBrokenAt: {
              streamId: s.stream_id,
              version: broken.version,
              reason: broken.reason,
            },
          };
        }
      }
      if (streamId || streams.length < pageSize) break;
      after = streams[streams.length - 1].stream_id;
    }
    return { ok: true, streamsChecked, eventsChecked };
  }
}
