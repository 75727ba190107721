import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event that its hash covers. */
export interface HashedEvent {
  streamId: string;
  streamType: string;
  streamVersion: number;
  type: string;
  payload: unknown;
  actorId: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

/** RFC 8785 (JCS) canonical form, so the hash survives jsonb's key reordering. */
export function canonicalEvent(event: HashedEvent): string {
  const text = canonicalize({
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: event.streamVersion,
    type: event.type,
    payload: event.payload,
    actorId: event.actorId,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
  });
  if (text === undefined) throw new Error('event cannot be canonicalised');
  return text;
}

/** hash = sha256(prev_hash ‖ canonical event), hex. */
export function chainHash(prevHash: string, event: HashedEvent): string {
  return createHash('sha256').update(prevHash).update(canonicalEvent(event)).digest('hex');
}

export interface ChainedEvent extends HashedEvent {
  prevHash: string;
  hash: string;
}

export type ChainBreak = {
  streamId: string;
  version: number;
  reason: 'missing_event' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';
};

/**
 * Walks one stream's events in version order and returns the first broken link, or null.
 * A deleted event shows as a version gap, a reordered one as a prev_hash mismatch, an edited
 * one as a hash mismatch. A removed tail shows against the recorded stream head.
 */
export function findBreakInStream(
  events: ChainedEvent[],
  head?: { version: number; hash: string },
): ChainBreak | null {
  let expectedVersion = 1;
  let prevHash = GENESIS_HASH;
  for (const event of events) {
    const at = { streamId: event.streamId };
    if (event.streamVersion !== expectedVersion)
      return { ...at, version: expectedVersion, reason: 'missing_event' };
    if (event.prevHash !== prevHash)
      return { ...at, version: event.streamVersion, reason: 'prev_hash_mismatch' };
    if (chainHash(prevHash, event) !== event.hash)
      return { ...at, version: event.streamVersion, reason: 'hash_mismatch' };
    prevHash = event.hash;
    expectedVersion += 1;
  }
  if (head && (head.version !== expectedVersion - 1 || head.hash !== prevHash)) {
    const streamId = events[0]?.streamId ?? '';
    const chainLength = expectedVersion - 1;
    // Head ahead of the chain: its tail was removed. Head behind: events were added around the store.
    const version =
      head.version > chainLength
        ? expectedVersion
        : head.version < chainLength
          ? head.version + 1
          : head.version;
    return { streamId, version, reason: 'head_mismatch' };
  }
  return null;
}
