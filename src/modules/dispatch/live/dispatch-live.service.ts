import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CommittedEventFeed, type EventAppendedNotice, PgListener } from '@app/event-store';
import { Clock } from '@app/kz';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/roles';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import { INCIDENT_STREAM } from '../../incidents/domain/incident';

/** The crews' stream type (as the unit commands append it). */
const UNIT_STREAM_TYPE = 'unit';

export type LiveEventType =
  'incident.created' | 'incident.updated' | 'unit.updated' | 'alert.raised' | 'alert.updated';

/** Alerts' stream type (the deadlines module appends AlertRaised and AlertAcknowledged). */
const ALERT_STREAM_TYPE = 'alert';

/** The data of one SSE message: ids and versions only, never names, phones or addresses. */
export interface LiveEvent {
  type: LiveEventType;
  id: string;
  districtId: string | null;
  version: number;
  eventTypes: string[];
  at: string;
}

/** One open stream, as the service sees it. */
export interface LiveSubscriber {
  principal: Principal;
  write(chunk: string): void;
  end(): void;
}

export const DISPATCH_LIVE_OPTIONS = Symbol('DISPATCH_LIVE_OPTIONS');

/** Who may watch the stream; kept in step with the controller's @Roles. */
// Inspectors watch it too: their alerts (orders not served, check-ins due) are pushed live.
export const STREAM_ROLES: ReadonlyArray<Principal['role']> = [
  'dispatcher',
  'supervisor',
  'inspector',
];

export interface DispatchLiveOptions {
  heartbeatMs: number;
  /** Sent once as `retry:`: how long a client waits before reconnecting. */
  retryMs: number;
  /** A client that lets this much pile up unread is cut off; it reconnects and re-reads. */
  maxBufferedBytes: number;
  /** Open streams per user on this instance; the oldest is closed when one more opens. */
  maxStreamsPerUser: number;
  /**
   * How often the committed events are read to find appends whose announcement was lost (the
   * writer died after its commit, a connection was down). Such an append reaches consoles within
   * about two of these.
   */
  feedPollMs: number;
}

function positiveInt(env: Record<string, unknown>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`Configuration error: ${name} must be a positive integer`);
  return value;
}

/**
 * `SSE_HEARTBEAT_SECONDS` (default 15; fractions allowed, for tests). Kept out of the config
 * schema on purpose: it is a tuning knob of this module alone.
 */
export function liveOptionsFromEnv(env: Record<string, unknown>): DispatchLiveOptions {
  const raw = env.SSE_HEARTBEAT_SECONDS;
  const seconds = raw === undefined || raw === '' ? 15 : Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new Error(
      'Configuration error: SSE_HEARTBEAT_SECONDS must be a number of seconds above 0 and at most 3600',
    );
  }
  return {
    heartbeatMs: Math.max(10, Math.round(seconds * 1000)),
    retryMs: 3000,
    maxBufferedBytes: positiveInt(env, 'SSE_MAX_BACKLOG_BYTES', 1024 * 1024),
    maxStreamsPerUser: positiveInt(env, 'SSE_MAX_STREAMS_PER_USER', 5),
    feedPollMs: positiveInt(env, 'SSE_FEED_POLL_MS', 1000),
  };
}

/** incident → created/updated, unit → updated, any other stream is not part of the live view. */
export function liveEventType(notice: EventAppendedNotice): LiveEventType | null {
  if (notice.streamType === INCIDENT_STREAM)
    return notice.types.includes('IncidentOpened') ? 'incident.created' : 'incident.updated';
  if (notice.streamType === UNIT_STREAM_TYPE) return 'unit.updated';
  if (notice.streamType === ALERT_STREAM_TYPE)
    return notice.types.includes('AlertRaised') ? 'alert.raised' : 'alert.updated';
  return null;
}

/** Whose console an event belongs on: the caller's districts; district-less ones to supervisors. */
export function isVisibleTo(principal: Principal, districtId: string | null): boolean {
  if (districtId === null) return principal.role === 'supervisor';
  return principal.districtIds.includes(districtId);
}

export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export const HEARTBEAT_FRAME = ': heartbeat\n\n';

const announcementKey = (n: EventAppendedNotice) => `${n.streamId}\u0000${n.version}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DISTRICT_TABLES: Record<string, string> = {
  [INCIDENT_STREAM]: 'incidents',
  [UNIT_STREAM_TYPE]: 'units',
  [ALERT_STREAM_TYPE]: 'alerts',
};

/** An announcement not matched by the feed within this long is forgotten (it announced nothing real). */
const ANNOUNCED_TTL_MS = 10 * 60_000;

/**
 * Turns committed event-store appends (from any instance) into SSE messages for the dispatchers
 * connected to this instance. Each notification is resolved to its district once per instance,
 * however many subscribers there are.
 *
 * Appends are announced after their commit (LISTEN/NOTIFY, best effort: see EventNotifier), which
 * is the fast path. The committed events are also read in commit-safe order (CommittedEventFeed)
 * every `feedPollMs`: an append the feed finds that no announcement matched by the next read is
 * published then, so a lost announcement delays an update and never loses it.
 */
@Injectable()
export class DispatchLiveService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('DispatchLive');
  private readonly subscribers = new Set<LiveSubscriber>();
  private listener: PgListener | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private pending = new Map<string, EventAppendedNotice>();
  private flushScheduled = false;
  private processing: Promise<void> = Promise.resolve();
  private stopped = false;
  private feed: CommittedEventFeed | null = null;
  private feedTimer: NodeJS.Timeout | null = null;
  private feedReading: Promise<void> = Promise.resolve();
  /** Announced appends (stream and version) the feed has not met yet, with when they were heard. */
  private readonly announced = new Map<string, number>();
  /** Appends the feed found unannounced at its last read: published at the next unless announced. */
  private suspects = new Map<string, EventAppendedNotice>();

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(DISPATCH_LIVE_OPTIONS) readonly options: DispatchLiveOptions,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    // The worker and scripts build the same modules without an HTTP server: nobody to push to.
    if (!this.adapterHost.httpAdapter) return;
    this.listener = new PgListener({
      connectionString: this.runtime.databaseUrl,
      applicationName: 'qorgau-dispatch-live',
      log: (message, level) =>
        level === 'warn' ? this.logger.warn(message) : this.logger.log(message),
    });
    this.listener.onNotice((notice) => {
      this.announced.set(announcementKey(notice), performance.now());
      this.enqueue(notice);
    });
    this.listener.onConnected(({ reconnected }) => {
      // Whatever was committed while the connection was down was not heard: consoles re-read.
      if (reconnected) this.broadcastResync('listener-reconnected');
    });
    this.heartbeat = setInterval(() => {
      this.broadcast(HEARTBEAT_FRAME);
      void this.revalidateSubscribers();
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
    await this.listener.start();
    this.feed = new CommittedEventFeed(
      (sql, params) => this.dataSource.query(sql, params) as Promise<unknown[]>,
    );
    try {
      await this.feed.start();
    } catch (error) {
      // Not fatal: the first read starts the feed.
      this.logger.warn({ err: { type: (error as Error).name } }, 'event feed did not start');
    }
    this.feedTimer = setInterval(() => {
      this.feedReading = this.feedReading.then(() => this.readFeed());
    }, this.options.feedPollMs);
    this.feedTimer.unref();
  }

  /**
   * One read of the committed events. What the previous read found unannounced and still is,
   * was missed by the fast path: published now. What this read finds unannounced waits for the
   * next (its announcement may simply be on its way).
   */
  private async readFeed(): Promise<void> {
    if (this.stopped || !this.feed) return;
    for (const [key, notice] of this.suspects) {
      if (this.announced.delete(key)) continue;
      this.enqueue(notice);
    }
    this.suspects = new Map();
    let notices: EventAppendedNotice[];
    try {
      notices = await this.feed.read();
    } catch (error) {
      // The cursor did not move: the next read picks up from the same place.
      this.logger.warn({ err: { type: (error as Error).name } }, 'reading the event feed failed');
      return;
    }
    for (const notice of notices) {
      const key = announcementKey(notice);
      if (!this.announced.delete(key)) this.suspects.set(key, notice);
    }
    const expired = performance.now() - ANNOUNCED_TTL_MS;
    for (const [key, heard] of this.announced) {
      if (heard > expired) break;
      this.announced.delete(key);
    }
  }

  /** Ends every open stream (so the HTTP server can close) and the LISTEN connection. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.feedTimer) clearInterval(this.feedTimer);
    this.feedTimer = null;
    await this.feedReading;
    for (const subscriber of [...this.subscribers]) this.safely(() => subscriber.end());
    this.subscribers.clear();
    await this.listener?.close();
    this.listener = null;
    await this.processing;
  }

  /**
   * Registers an open stream; returns the function that removes it. A user may hold
   * `maxStreamsPerUser` streams on this instance: one more closes her oldest (told with a
   * `closed` event), so a reloaded console is never locked out by the tabs it left behind.
   */
  subscribe(subscriber: LiveSubscriber): () => void {
    if (this.stopped) {
      this.safely(() => subscriber.end());
      return () => undefined;
    }
    const own = [...this.subscribers].filter((s) => s.principal.id === subscriber.principal.id);
    for (const oldest of own.slice(
      0,
      Math.max(0, own.length - this.options.maxStreamsPerUser + 1),
    )) {
      this.subscribers.delete(oldest);
      this.logger.warn(
        { userId: oldest.principal.id, limit: this.options.maxStreamsPerUser },
        'too many live streams for one user; closing the oldest',
      );
      this.safely(() => {
        oldest.write(sseFrame('closed', { type: 'closed', reason: 'too-many-streams' }));
        oldest.end();
      });
    }
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
    };
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /**
   * A stream is one long request: a user disabled, or whose role or districts changed, must not
   * keep receiving. At every heartbeat the subscribers' accounts are re-read in one query; a
   * stream whose user may no longer watch is ended, changed districts apply at once.
   */
  private async revalidateSubscribers(): Promise<void> {
    if (this.stopped || this.subscribers.size === 0) return;
    // Only the streams open when the query starts are judged: one that opens meanwhile was just
    // authenticated and is not in the answer.
    const snapshot = [...this.subscribers];
    const ids = [...new Set(snapshot.map((s) => s.principal.id))];
    let rows: Array<{
      id: string;
      role: Principal['role'];
      district_ids: string[];
      disabled: boolean;
      token_version: number;
    }>;
    try {
      rows = await this.dataSource.query(
        `SELECT id, role, district_ids, disabled, token_version FROM users WHERE id = ANY($1::uuid[])`,
        [ids],
      );
    } catch (error) {
      this.logger.warn(
        { err: { type: (error as Error).name } },
        'could not re-check stream subscribers',
      );
      return;
    }
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const subscriber of snapshot) {
      if (!this.subscribers.has(subscriber)) continue;
      const user = byId.get(subscriber.principal.id);
      // A password reset revoked the token this stream was opened with.
      const revoked =
        subscriber.principal.tokenVersion !== undefined &&
        user?.token_version !== subscriber.principal.tokenVersion;
      if (!user || user.disabled || revoked || !STREAM_ROLES.includes(user.role)) {
        this.subscribers.delete(subscriber);
        this.safely(() => subscriber.end());
        continue;
      }
      subscriber.principal = {
        ...subscriber.principal,
        role: user.role,
        districtIds: [...user.district_ids].sort(),
      };
    }
  }

  /**
   * PostgreSQL delivers the notifications of one transaction together on commit, so the ones that
   * arrive in the same tick are merged per stream: a registered call (CallRegistered then
   * IncidentOpened in one transaction) becomes one `incident.created`, with one district lookup.
   */
  private enqueue(notice: EventAppendedNotice): void {
    if (this.stopped) return;
    const key = `${notice.streamType}\u0000${notice.streamId}`;
    const seen = this.pending.get(key);
    this.pending.set(
      key,
      seen
        ? {
            ...seen,
            types: [...seen.types, ...notice.types],
            version: Math.max(seen.version, notice.version),
          }
        : notice,
    );
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const batch = [...this.pending.values()];
      this.pending = new Map();
      // One batch at a time, so that clients see changes in commit order.
      this.processing = this.processing.then(() => this.publish(batch));
    });
  }

  private async publish(batch: EventAppendedNotice[]): Promise<void> {
    if (this.stopped || this.subscribers.size === 0) return;
    const relevant = batch.flatMap((notice) => {
      const type = liveEventType(notice);
      return type ? [{ notice, type }] : [];
    });
    if (relevant.length === 0) return;
    let districts: Map<string, string>;
    let audiences: Map<string, string[]>;
    try {
      [districts, audiences] = await Promise.all([
        this.lookupDistricts(relevant.map((r) => r.notice)),
        this.lookupAudiences(relevant.map((r) => r.notice)),
      ]);
    } catch (error) {
      const e = error as Error & { code?: string };
      this.logger.warn(
        { err: { type: e?.name, code: e?.code } },
        'district lookup for live events failed; asking consoles to re-read',
      );
      this.broadcastResync('lookup-failed');
      return;
    }
    const at = this.clock.now().toISOString();
    for (const { notice, type } of relevant) {
      const districtId = districts.get(`${notice.streamType}:${notice.streamId}`) ?? null;
      const event: LiveEvent = {
        type,
        id: notice.streamId,
        districtId,
        version: notice.version,
        eventTypes: notice.types,
        at,
      };
      const frame = sseFrame(type, event);
      // An alert goes only to the roles it is addressed to (GET /alerts draws the same line).
      const audience = audiences.get(notice.streamId);
      for (const subscriber of this.subscribers) {
        if (audience && !audience.includes(subscriber.principal.role)) continue;
        if (isVisibleTo(subscriber.principal, districtId))
          this.safely(() => subscriber.write(frame));
      }
    }
  }

  /** Who each alert of the batch is addressed to. */
  private async lookupAudiences(notices: EventAppendedNotice[]): Promise<Map<string, string[]>> {
    const ids = [
      ...new Set(
        notices
          .filter((n) => n.streamType === ALERT_STREAM_TYPE && UUID.test(n.streamId))
          .map((n) => n.streamId),
      ),
    ];
    const found = new Map<string, string[]>();
    if (ids.length === 0) return found;
    const rows = (await this.dataSource.query(
      `SELECT id, audience FROM alerts WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ id: string; audience: string[] }>;
    for (const row of rows) found.set(row.id, row.audience);
    // An alert whose row is not found is shown to nobody rather than to everybody.
    for (const id of ids) if (!found.has(id)) found.set(id, []);
    return found;
  }

  /** One primary-key lookup per table for the whole batch. */
  private async lookupDistricts(notices: EventAppendedNotice[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    await Promise.all(
      Object.entries(DISTRICT_TABLES).map(async ([streamType, table]) => {
        const ids = [
          ...new Set(
            notices
              .filter((n) => n.streamType === streamType && UUID.test(n.streamId))
              .map((n) => n.streamId),
          ),
        ];
        if (ids.length === 0) return;
        const rows = (await this.dataSource.query(
          `SELECT id, district_id FROM ${table} WHERE id = ANY($1::uuid[])`,
          [ids],
        )) as Array<{ id: string; district_id: string | null }>;
        for (const row of rows)
          if (row.district_id) found.set(`${streamType}:${row.id}`, row.district_id);
      }),
    );
    return found;
  }

  private broadcastResync(reason: string): void {
    this.broadcast(
      sseFrame('resync', { type: 'resync', reason, at: this.clock.now().toISOString() }),
    );
  }

  private broadcast(chunk: string): void {
    for (const subscriber of this.subscribers) this.safely(() => subscriber.write(chunk));
  }

  /** One broken connection must not stop the others from getting the message. */
  private safely(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.logger.warn(
        { err: { type: (error as Error)?.name } },
        'writing to a live stream failed',
      );
    }
  }
}
