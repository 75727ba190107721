import { randomUUID } from 'node:crypto';
import { afterCommit, beforeCommit, preparedQuery } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import {
  type ChainBreak,
  type ChainedEvent,
  chainHash,
  findBreakInStream,
  GENESIS_HASH,
} from './hash-chain';
import { type EventAppendedNotice } from './pg-listener';

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

/**
 * Appends of up to this many events (per statement) run as statements prepared once per
 * connection, one per shape; larger ones are rare and parsed each time, so that a connection
 * never holds an unbounded number of prepared statements.
 */
const MAX_PREPARED_EVENTS = 8;

/** The prepared statement's name for a shape of append, or null for a shape not prepared. */
function statementName(kind: string, ...counts: number[]): string | null {
  return counts.every((n) => n <= MAX_PREPARED_EVENTS) ? `es_${kind}_v1_${counts.join('_')}` : null;
}

/** Runs a statement prepared under `name`, or as a plain one when `name` is null. */
async function run<T>(tx: EntityManager, name: string | null, text: string, values: unknown[]) {
  return name ? preparedQuery<T>(tx, name, text, values) : ((await tx.query(text, values)) as T[]);
}

/** Distinct event types named per stream in a notification; ids and types are short. */
const MAX_NOTIFIED_TYPES = 32;

/** A NOTIFY payload must stay under 8000 bytes, or the whole transaction fails. */
const MAX_NOTIFY_BYTES = 7000;

interface Notice {
  streamId: string;
  streamType: string;
  types: string[];
  version: number;
}

/** Appends of a transaction not yet announced, by stream. */
const pendingNotices = new WeakMap<EntityManager, Map<string, Notice>>();

/**
 * Sends the transaction's appends as one notification: the notice itself when one stream moved
 * (the shape every listener knows), a JSON array of notices when several did. An array too long
 * for one payload is split, all in the same statement.
 */
async function flushNotices(tx: EntityManager): Promise<void> {
  const pending = pendingNotices.get(tx);
  pendingNotices.delete(tx);
  if (!pending || pending.size === 0) return;
  const notices = [...pending.values()];
  const payloads: string[] = [];
  if (notices.length === 1) {
    payloads.push(JSON.stringify(notices[0]));
  } else {
    let batch: string[] = [];
    let bytes = 2;
    for (const n of notices) {
      const text = JSON.stringify(n);
      const size = Buffer.byteLength(text) + 1;
      if (batch.length > 0 && bytes + size > MAX_NOTIFY_BYTES) {
        payloads.push(`[${batch.join(',')}]`);
        batch = [];
        bytes = 2;
      }
      batch.push(text);
      bytes += size;
    }
    payloads.push(`[${batch.join(',')}]`);
  }
  await tx.query(`SELECT ${payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ')}`, [
    EVENTS_CHANNEL,
    ...payloads,
  ]);
}

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
/** Where committed appends are announced (see EventNotifier). */
export interface AppendAnnouncer {
  publish(notices: EventAppendedNotice[]): void;
}

export class EventStore {
  /**
   * With an `announcer`, the appends of a unit of work are announced after it commits, off the
   * commit's critical path; without one (or outside a unit of work), by a NOTIFY inside the
   * transaction, just before it commits.
   */
  constructor(
    private readonly now: () => Date,
    private readonly announcer?: AppendAnnouncer,
  ) {}

  /**
   * Appends `events` to one stream. Give all the events a command adds to a stream in one call:
   * each call costs round trips, a call for a stream that exists costs two (lock and read the
   * head; insert the events and move the head in one statement), one for a new stream declared
   * with `expectedVersion: 0` costs one. The change is announced by one NOTIFY per transaction,
   * sent just before a unit of work commits.
   */
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
    const recordedAt = this.now();
    // A new stream has no head row to lock: inserting the head (ON CONFLICT DO NOTHING waits for a
    // concurrent creator and then yields to it) claims the stream, and the events go in with it.
    // Lost that race, or the stream exists: lock its head row (FOR UPDATE reads the newest
    // committed version), which serialises appends to one stream and not across streams.
    let tryCreate = options.expectedVersion === 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      let head: { version: number; hash: string } | undefined;
      if (!tryCreate) {
        [head] = await run<{ version: number; hash: string }>(
          tx,
          'es_lock_head_v1',
          'SELECT version, hash FROM event_stream_heads WHERE stream_id = $1 FOR UPDATE',
          [stream.id],
        );
        const currentVersion = head?.version ?? 0;
        if (options.expectedVersion !== undefined && options.expectedVersion !== currentVersion) {
          throw new StreamVersionConflictError(stream.id, options.expectedVersion, currentVersion);
        }
      }
      const chained = this.chain(stream, events, head, recordedAt);
      const inserted = await this.write(tx, stream, chained, recordedAt, head === undefined);
      if (inserted) {
        await this.announce(tx, stream, chained);
        return chained.map((e, i) => ({ ...e, position: String(inserted[i].position) }));
      }
      tryCreate = false; // someone else created the stream first: append after its head
    }
    throw new Error(`could not append to stream ${stream.id}`);
  }

  /**
   * Appends to several streams in one go (a crew assigned: the incident's stream and the crew's).
   * Their heads are locked by one statement, in stream-id order (so two such commands cannot
   * deadlock on each other), and every event goes in with one more. A stream without a head yet
   * is created on its own, as `append` does. Results are in the order of `batches`.
   */
  async appendMany(
    tx: EntityManager,
    batches: Array<{ stream: { id: string; type: string }; events: NewEvent[] }>,
  ): Promise<StoredEvent[][]> {
    if (!tx.queryRunner?.isTransactionActive) {
      throw new Error('EventStore.append must run inside the caller’s transaction');
    }
    const ids = batches.map((b) => b.stream.id);
    if (new Set(ids).size !== ids.length) {
      throw new Error('EventStore.appendMany takes each stream once: merge its events');
    }
    const busy = batches.filter((b) => b.events.length > 0);
    if (busy.length <= 1) {
      return Promise.all(
        batches.map((b) => (b.events.length > 0 ? this.append(tx, b.stream, b.events) : [])),
      );
    }
    const heads = new Map(
      (
        await run<{ stream_id: string; version: number; hash: string }>(
          tx,
          'es_lock_heads_v1',
          `SELECT stream_id, version, hash FROM event_stream_heads
           WHERE stream_id = ANY($1::text[]) ORDER BY stream_id FOR UPDATE`,
          [busy.map((b) => b.stream.id)],
        )
      ).map((h) => [h.stream_id, { version: h.version, hash: h.hash }]),
    );
    const recordedAt = this.now();
    const chained = new Map<string, Array<ChainedEvent & { id: string }>>();
    for (const b of busy) {
      const head = heads.get(b.stream.id);
      if (head) chained.set(b.stream.id, this.chain(b.stream, b.events, head, recordedAt));
    }
    const results = new Map<string, StoredEvent[]>();
    if (chained.size > 0) {
      const values: unknown[] = [recordedAt];
      const headTuples: string[] = [];
      const eventTuples: string[] = [];
      let order = 0;
      for (const events of chained.values()) {
        const last = events[events.length - 1];
        const h = values.length;
        values.push(last.streamId, last.streamVersion, last.hash);
        headTuples.push(`($${h + 1}::text,$${h + 2}::int,$${h + 3}::text)`);
        for (const e of events) {
          const b = values.length;
          values.push(
            order++,
            e.id,
            e.streamId,
            e.streamType,
            e.streamVersion,
            e.type,
            JSON.stringify(e.payload),
            e.actorId,
            e.occurredAt,
            e.prevHash,
            e.hash,
          );
          eventTuples.push(
            `($${b + 1}::int,$${b + 2}::uuid,$${b + 3}::text,$${b + 4}::text,$${b + 5}::int,$${b + 6}::text,$${b + 7}::jsonb,$${b + 8}::uuid,$${b + 9}::timestamptz,$${b + 10}::text,$${b + 11}::text)`,
          );
        }
      }
      const inserted = await run<{ id: string; position: string }>(
        tx,
        statementName('append_many', chained.size, order),
        `WITH head AS (
           UPDATE event_stream_heads h SET version = v.version, hash = v.hash, updated_at = $1
           FROM (VALUES ${headTuples.join(',')}) AS v(stream_id, version, hash)
           WHERE h.stream_id = v.stream_id RETURNING 1)
         INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash)
         SELECT v.id, v.stream_id, v.stream_type, v.version, v.type, v.payload, v.actor_id, v.occurred_at, $1, v.prev_hash, v.hash
         FROM (VALUES ${eventTuples.join(',')})
           AS v(ord, id, stream_id, stream_type, version, type, payload, actor_id, occurred_at, prev_hash, hash)
         WHERE (SELECT count(*) FROM head) = ${chained.size}
         ORDER BY v.ord
         RETURNING id, position`,
        values,
      );
      if (inserted.length !== order) throw new Error('stream heads vanished under their locks');
      const positions = new Map(inserted.map((r) => [r.id, String(r.position)]));
      for (const [streamId, events] of chained) {
        const stream = { id: streamId, type: events[0].streamType };
        await this.announce(tx, stream, events);
        results.set(
          streamId,
          events.map((e) => ({ ...e, position: positions.get(e.id) as string })),
        );
      }
    }
    for (const b of busy) {
      if (!chained.has(b.stream.id))
        results.set(b.stream.id, await this.append(tx, b.stream, b.events));
    }
    return batches.map((b) => results.get(b.stream.id) ?? []);
  }

  private chain(
    stream: { id: string; type: string },
    events: NewEvent[],
    head: { version: number; hash: string } | undefined,
    recordedAt: Date,
  ): Array<ChainedEvent & { id: string }> {
    const currentVersion = head?.version ?? 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    return events.map((event, i) => {
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
  }

  /**
   * One statement: the events and the head move together. Creating a stream, returns null when
   * another transaction created it first (nothing was written).
   */
  private async write(
    tx: EntityManager,
    stream: { id: string; type: string },
    chained: Array<ChainedEvent & { id: string }>,
    recordedAt: Date,
    create: boolean,
  ): Promise<Array<{ position: string }> | null> {
    const last = chained[chained.length - 1];
    const values: unknown[] = [stream.id, stream.type, last.streamVersion, last.hash, recordedAt];
    const tuples = chained.map((e) => {
      const b = values.length;
      values.push(
        e.id,
        e.streamVersion,
        e.type,
        JSON.stringify(e.payload),
        e.actorId,
        e.occurredAt,
        e.prevHash,
        e.hash,
      );
      return `($${b + 1}::uuid,$${b + 2}::int,$${b + 3}::text,$${b + 4}::jsonb,$${b + 5}::uuid,$${b + 6}::timestamptz,$${b + 7}::text,$${b + 8}::text)`;
    });
    const headSql = create
      ? `INSERT INTO event_stream_heads (stream_id, stream_type, version, hash, updated_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (stream_id) DO NOTHING RETURNING 1`
      : `UPDATE event_stream_heads SET version = $3, hash = $4, updated_at = $5
         WHERE stream_id = $1 RETURNING 1`;
    const inserted = await run<{ position: string; stream_version: number }>(
      tx,
      statementName(create ? 'append_new' : 'append', chained.length),
      `WITH head AS (${headSql})
       INSERT INTO events (id, stream_id, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash)
       SELECT v.id, $1, $2, v.version, v.type, v.payload, v.actor_id, v.occurred_at, $5, v.prev_hash, v.hash
       FROM (VALUES ${tuples.join(',')}) AS v(id, version, type, payload, actor_id, occurred_at, prev_hash, hash)
       WHERE EXISTS (SELECT 1 FROM head)
       ORDER BY v.version
       RETURNING position, stream_version`,
      values,
    );
    if (inserted.length === 0) {
      if (create) return null;
      throw new Error(`stream head ${stream.id} vanished under its lock`);
    }
    inserted.sort((a, b) => a.stream_version - b.stream_version);
    return inserted;
  }

  /** Announces the append once per transaction (merged per stream), or at once outside a unit of work. */
  private async announce(
    tx: EntityManager,
    stream: { id: string; type: string },
    chained: ChainedEvent[],
  ): Promise<void> {
    let pending = pendingNotices.get(tx);
    if (!pending) {
      pending = new Map();
      pendingNotices.set(tx, pending);
    }
    const prior = pending.get(stream.id);
    const types = new Set(prior?.types ?? []);
    for (const e of chained) types.add(e.type);
    pending.set(stream.id, {
      streamId: stream.id,
      streamType: stream.type,
      // NOTIFY payloads must stay under 8000 bytes, or the whole transaction fails.
      types: [...types].slice(0, MAX_NOTIFIED_TYPES),
      version: chained[chained.length - 1].streamVersion,
    });
    const announcer = this.announcer;
    if (
      announcer &&
      afterCommit(tx, 'event-store:announce', () => {
        const notices = pendingNotices.get(tx);
        pendingNotices.delete(tx);
        if (notices) announcer.publish([...notices.values()]);
      })
    ) {
      return;
    }
    const deferred = beforeCommit(tx, 'event-store:notify', (t) => flushNotices(t));
    if (!deferred) await flushNotices(tx);
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
