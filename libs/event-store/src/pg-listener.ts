import { Client, type Notification } from 'pg';
import { EVENTS_CHANNEL } from './event-store';

/** What `EventStore.append` announces on commit: which stream moved, by which events, to which version. */
export interface EventAppendedNotice {
  streamId: string;
  streamType: string;
  types: string[];
  version: number;
}

function toNotice(value: unknown): EventAppendedNotice | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { streamId, streamType, types, version } = value as Record<string, unknown>;
  if (typeof streamId !== 'string' || streamId.length === 0) return null;
  if (typeof streamType !== 'string' || streamType.length === 0) return null;
  if (!Array.isArray(types) || !types.every((t): t is string => typeof t === 'string')) return null;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) return null;
  return { streamId, streamType, types: [...types], version };
}

/** Reads a notification payload; anything that is not the announced shape gives null. */
export function parseEventAppended(payload: string | undefined): EventAppendedNotice | null {
  if (!payload) return null;
  try {
    return toNotice(JSON.parse(payload));
  } catch {
    return null;
  }
}

/**
 * Reads a notification payload: one notice (one stream moved in the transaction) or a JSON array
 * of notices (several streams moved; one NOTIFY per transaction). Null when anything is malformed.
 */
export function parseEventAppendedBatch(payload: string | undefined): EventAppendedNotice[] | null {
  if (!payload) return null;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) {
    const one = toNotice(value);
    return one ? [one] : null;
  }
  if (value.length === 0) return null;
  const notices: EventAppendedNotice[] = [];
  for (const item of value) {
    const notice = toNotice(item);
    if (!notice) return null;
    notices.push(notice);
  }
  return notices;
}

export interface PgListenerOptions {
  connectionString: string;
  /** Defaults to the event store's channel. */
  channel?: string;
  /** Shows the connection in pg_stat_activity. */
  applicationName?: string;
  /** One line per connection change; never the payloads. */
  log?: (message: string, level: 'info' | 'warn') => void;
  /** Exponential backoff between reconnection attempts, with jitter. */
  reconnect?: { initialDelayMs?: number; maxDelayMs?: number };
  /**
   * A LISTEN connection is otherwise idle: a connection dropped silently (NAT, failover) would
   * never be noticed. A `SELECT 1` this often finds out; 0 turns it off.
   */
  pingIntervalMs?: number;
}

type NoticeListener = (notice: EventAppendedNotice) => void;
type ConnectedListener = (info: { reconnected: boolean }) => void;

const noop = () => undefined;

/**
 * One dedicated PostgreSQL connection per process that LISTENs on the event channel and fans each
 * committed append out to in-process subscribers. Not taken from a pool: a pooled connection is
 * handed to other work and would lose the LISTEN. Reconnects with backoff when the connection
 * drops; notifications sent while it is down are lost, so subscribers hear `onConnected` with
 * `reconnected: true` and should tell their clients to re-read.
 */
export class PgListener {
  private readonly channel: string;
  private readonly log: (message: string, level: 'info' | 'warn') => void;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pingIntervalMs: number;
  private readonly noticeListeners = new Set<NoticeListener>();
  private readonly connectedListeners = new Set<ConnectedListener>();
  private client: Client | null = null;
  private listening = false;
  private everConnected = false;
  private started = false;
  private closed = false;
  private attempt = 0;
  private connecting: Promise<boolean> | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: PgListenerOptions) {
    this.channel = options.channel ?? EVENTS_CHANNEL;
    this.log = options.log ?? noop;
    this.initialDelayMs = options.reconnect?.initialDelayMs ?? 250;
    this.maxDelayMs = options.reconnect?.maxDelayMs ?? 30_000;
    this.pingIntervalMs = options.pingIntervalMs ?? 30_000;
  }

  /** True while the connection is up and LISTENing. */
  get isListening(): boolean {
    return this.listening;
  }

  /** Every well-formed notification, in the order PostgreSQL delivered them. Returns unsubscribe. */
  onNotice(listener: NoticeListener): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /** Each time LISTEN is (re-)established. Returns unsubscribe. */
  onConnected(listener: ConnectedListener): () => void {
    this.connectedListeners.add(listener);
    return () => this.connectedListeners.delete(listener);
  }

  /**
   * Connects and LISTENs. Resolves once the first attempt has settled: true when listening; false
   * when it failed, in which case it keeps retrying in the background.
   */
  async start(): Promise<boolean> {
    if (this.closed) throw new Error('PgListener is closed');
    if (this.started) return this.listening;
    this.started = true;
    return this.connect();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.stopPing();
    await this.connecting?.catch(noop);
    const client = this.client;
    this.client = null;
    this.listening = false;
    if (client) await this.release(client);
    this.noticeListeners.clear();
    this.connectedListeners.clear();
  }

  private connect(): Promise<boolean> {
    this.connecting = this.connectOnce().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectOnce(): Promise<boolean> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: this.options.applicationName,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      connectionTimeoutMillis: 5_000,
    });
    this.client = client;
    client.on('error', (error: Error & { code?: string }) =>
      this.lost(client, `error ${error.code ?? error.name}: ${error.message}`),
    );
    client.on('end', () => this.lost(client, 'connection ended'));
    client.on('notification', (message: Notification) => this.deliver(message));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      const e = error as Error & { code?: string };
      this.lost(client, `connect failed, ${e.code ?? e.name}: ${e.message}`);
      return false;
    }
    if (this.closed || this.client !== client) return false;
    const reconnected = this.everConnected;
    this.everConnected = true;
    this.listening = true;
    this.attempt = 0;
    this.log(
      `listening on ${this.channel}${reconnected ? ' again after reconnecting' : ''}`,
      'info',
    );
    this.startPing(client);
    for (const listener of [...this.connectedListeners]) {
      try {
        listener({ reconnected });
      } catch (error) {
        this.log(`a connection listener threw ${(error as Error)?.name ?? 'an error'}`, 'warn');
      }
    }
    return true;
  }

  /** The connection is gone (or never came): drop it and try again later. Idempotent per client. */
  private lost(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.stopPing();
    void this.release(client);
    if (this.closed) return;
    const ceiling = Math.min(this.maxDelayMs, this.initialDelayMs * 2 ** this.attempt);
    // Jitter, so that N instances cut off together do not reconnect in lockstep.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.attempt += 1;
    this.log(
      `LISTEN connection lost (${reason}); reconnecting in ${delay} ms (attempt ${this.attempt})`,
      'warn',
    );
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  private async release(client: Client): Promise<void> {
    client.removeAllListeners();
    // A late socket error on a client we no longer use must not become an uncaught exception.
    client.on('error', noop);
    await client.end().catch(noop);
  }

  private deliver(message: Notification): void {
    if (message.channel !== this.channel) return;
    const notices = parseEventAppendedBatch(message.payload);
    if (!notices) {
      this.log(`ignored a malformed notification on ${this.channel}`, 'warn');
      return;
    }
    // Listeners hear one notice per stream, as they did when every append notified on its own.
    for (const notice of notices) {
      for (const listener of [...this.noticeListeners]) {
        try {
          listener(notice);
        } catch (error) {
          this.log(`a notification listener threw ${(error as Error)?.name ?? 'an error'}`, 'warn');
        }
      }
    }
  }

  private startPing(client: Client): void {
    if (this.pingIntervalMs <= 0) return;
    this.stopPing();
    this.pingTimer = setInterval(() => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no answer')), this.pingIntervalMs);
      });
      Promise.race([client.query('SELECT 1'), timeout])
        .catch((error: Error) => this.lost(client, `ping failed: ${error.message}`))
        .finally(() => clearTimeout(timer));
    }, this.pingIntervalMs);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
