import { Client } from 'pg';

/**
 * One dedicated connection that LISTENs on a channel and calls back on every notification, and
 * once more after each reconnection (whatever was announced while it was down was not heard, so
 * subscribers treat it as "everything may have changed"). Used to drop in-process caches on every
 * instance when the cached tables change.
 */
export class ChangeListener {
  private client: Client | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private delayMs = 250;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly onChange: (payload: string | undefined) => void,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
    }
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new Client({
      connectionString: this.connectionString,
      application_name: 'qorgau-cache-invalidation',
    });
    const retry = () => {
      if (this.client === client) this.client = null;
      client.removeAllListeners();
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      this.onChange(undefined);
      if (this.closed) return;
      this.timer = setTimeout(() => void this.connect(), this.delayMs);
      this.timer.unref();
      this.delayMs = Math.min(this.delayMs * 2, 30_000);
    };
    client.on('error', () => {
      this.log(`cache invalidation connection lost on ${this.channel}`);
      retry();
    });
    client.on('end', () => {
      if (this.client === client) retry();
    });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.onChange(message.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.delayMs = 250;
      this.onChange(undefined);
    } catch {
      this.log(`cache invalidation could not listen on ${this.channel}; retrying`);
      retry();
    }
  }
}

/**
 * A value loaded on first use and kept until `invalidate()` (a change notification) or the safety
 * TTL, whichever comes first; concurrent callers share one load. A load that raced an
 * invalidation is not kept. The load runs on the connection of the caller that triggered it (its
 * transaction, if any): taking another pooled connection while callers hold theirs would deadlock
 * once every pooled connection is held by a caller waiting for the load.
 */
export class CachedValue<T, C = void> {
  private value: Promise<T> | null = null;
  private loadedAt = 0;
  private generation = 0;

  constructor(
    private readonly load: (via: C) => Promise<T>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(via: C): Promise<T> {
    if (this.value && this.now() - this.loadedAt < this.ttlMs) return this.value;
    const generation = ++this.generation;
    const loading = this.load(via);
    this.value = loading;
    this.loadedAt = this.now();
    loading.catch(() => {
      if (this.generation === generation) this.value = null;
    });
    return loading;
  }

  invalidate(): void {
    this.generation += 1;
    this.value = null;
  }
}
