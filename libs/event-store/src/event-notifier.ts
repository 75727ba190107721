import { Client } from 'pg';
import { EVENTS_CHANNEL } from './event-store';
import { type EventAppendedNotice } from './pg-listener';

/** A NOTIFY payload must stay under 8000 bytes, or the statement fails. */
const MAX_NOTIFY_BYTES = 7000;

/** Notices waiting while the connection is down are dropped beyond this (the feed finds them). */
const MAX_QUEUED = 10_000;

export interface EventNotifierOptions {
  connectionString: string;
  applicationName?: string;
  /** One line per connection change; never the payloads. */
  log?: (message: string) => void;
}

/** Packs notices into as few payloads as fit: one notice as itself, several as a JSON array. */
export function packNotices(notices: EventAppendedNotice[]): string[] {
  if (notices.length === 1) return [JSON.stringify(notices[0])];
  const payloads: string[] = [];
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
  if (batch.length > 0) payloads.push(`[${batch.join(',')}]`);
  return payloads;
}

/**
 * Announces committed appends to every instance, after the commit and off the request's path.
 *
 * A NOTIFY inside a writing transaction takes a database-wide lock that is held through that
 * transaction's commit and WAL flush, so writers that notify commit one at a time (pgbench: the
 * intake's SQL at 0.6–0.8× of the same SQL without it). Here the notices of the transactions that
 * committed meanwhile go out together, in one statement on one dedicated connection, so the lock
 * is taken once per batch and by this connection alone, never while a data commit waits for its
 * flush. That connection commits with `synchronous_commit = off`: it writes no data, only the
 * announcement, and the data it announces is already durable (it is sent after COMMIT returned).
 *
 * Best effort: a notice lost here (the process dies after the commit, the connection is down) is
 * found by the listeners' `CommittedEventFeed`, which reads the events themselves.
 */
export class EventNotifier {
  private readonly log: (message: string) => void;
  private client: Client | null = null;
  private connecting: Promise<Client | null> | null = null;
  private queue: EventAppendedNotice[] = [];
  private sending = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private settle: (() => void) | null = null;
  private retryAt = 0;

  constructor(private readonly options: EventNotifierOptions) {
    this.log = options.log ?? (() => undefined);
  }

  /** Queues the notices of one committed transaction; returns at once. */
  publish(notices: EventAppendedNotice[]): void {
    if (this.closed || notices.length === 0) return;
    this.queue.push(...notices);
    if (this.queue.length > MAX_QUEUED) this.queue.splice(0, this.queue.length - MAX_QUEUED);
    if (!this.sending) void this.drain();
  }

  /** Resolves once everything queued so far has been sent (or given up on). For tests and shutdown. */
  flushed(): Promise<void> {
    return this.sending ? this.idle : Promise.resolve();
  }

  /** Nest calls this on shutdown when the notifier is a provider. */
  async onModuleDestroy(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    await this.flushed();
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) await this.release(client);
  }

  private async drain(): Promise<void> {
    this.sending = true;
    this.idle = new Promise((resolve) => (this.settle = resolve));
    try {
      while (this.queue.length > 0 && !this.closed) {
        const batch = this.queue;
        this.queue = [];
        const client = await this.connection();
        if (!client) break; // down: these are dropped; the feed finds them
        const payloads = packNotices(batch);
        try {
          await client.query(
            `SELECT ${payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ')}`,
            [EVENTS_CHANNEL, ...payloads],
          );
        } catch (error) {
          const e = error as Error & { code?: string };
          this.log(`could not announce ${batch.length} append(s): ${e.code ?? e.name}`);
          this.drop(client);
        }
      }
    } finally {
      this.sending = false;
      this.settle?.();
      this.settle = null;
    }
  }

  private connection(): Promise<Client | null> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client | null> {
    // A database that refused us a moment ago is not asked again for every commit.
    if (Date.now() < this.retryAt) return null;
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      connectionTimeoutMillis: 5_000,
      keepAlive: true,
      // Only NOTIFY runs here: see the class comment.
      options: '-c synchronous_commit=off',
    });
    client.on('error', () => this.drop(client));
    try {
      await client.connect();
    } catch (error) {
      const e = error as Error & { code?: string };
      this.log(`announcement connection failed: ${e.code ?? e.name}`);
      this.retryAt = Date.now() + 1_000;
      await this.release(client);
      return null;
    }
    if (this.closed) {
      await this.release(client);
      return null;
    }
    this.client = client;
    return client;
  }

  private drop(client: Client): void {
    if (this.client === client) this.client = null;
    void this.release(client);
  }

  private async release(client: Client): Promise<void> {
    client.removeAllListeners();
    client.on('error', () => undefined);
    await client.end().catch(() => undefined);
  }
}
