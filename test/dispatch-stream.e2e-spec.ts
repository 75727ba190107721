import { randomUUID } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENTS_CHANNEL } from '@app/event-store';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DispatchLiveService } from '../src/modules/dispatch/live/dispatch-live.service';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
  receivedAt: number;
}

interface LiveData {
  type: string;
  id: string;
  districtId: string | null;
  version: number;
  eventTypes: string[];
  at: string;
}

/** A real HTTP client for one event stream, read incrementally as frames arrive. */
class SseClient {
  readonly messages: SseMessage[] = [];
  raw = '';
  readonly ended: Promise<void>;
  private buffer = '';
  private waiters: Array<{ test: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }> =
    [];

  private constructor(
    private readonly req: http.ClientRequest,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    res: IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.feed(chunk));
    this.ended = new Promise((resolve) => {
      res.on('end', () => resolve());
      res.on('close', () => resolve());
    });
  }

  static open(port: number, token: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/dispatch/stream',
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`stream answered ${res.statusCode}`));
            return;
          }
          resolve(new SseClient(req, res.statusCode, res.headers, res));
        },
      );
      req.on('error', reject);
    });
  }

  /** Live events (not comments, not `retry:`), with their data parsed. */
  events(type?: string): LiveData[] {
    return this.messages
      .filter((m) => m.event && m.data && (type === undefined || m.event === type))
      .map((m) => JSON.parse(m.data as string) as LiveData);
  }

  /** Resolves with the first message (already received or still to come) that passes `test`. */
  waitFor(test: (m: SseMessage) => boolean, timeoutMs: number, what: string): Promise<SseMessage> {
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        test,
        resolve: (m: SseMessage) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.raw)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  waitForEvent(type: string, id: string, timeoutMs = 2000): Promise<SseMessage> {
    return this.waitFor(
      (m) => m.event === type && (JSON.parse(m.data ?? '{}') as LiveData).id === id,
      timeoutMs,
      `${type} for ${id}`,
    );
  }

  close(): void {
    this.req.destroy();
  }

  private feed(chunk: string): void {
    this.raw += chunk;
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { receivedAt: Date.now() };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          message.comment = line.slice(1).trim();
          continue;
        }
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') message.event = value;
        else if (field === 'data')
          message.data = message.data === undefined ? value : `${message.data}\n${value}`;
        else if (field === 'retry') message.retry = Number(value);
      }
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (waiter.test(message)) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(message);
        }
      }
    }
  }
}

const portOf = (app: NestFastifyApplication) => (app.getHttpServer().address() as AddressInfo).port;

/** Resolves when `condition` holds, checking every 10 ms; fails after `timeoutMs`. */
async function eventually(condition: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Rejects if `promise` has not settled within `ms`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

describe('GET /dispatch/stream: live queue and crew changes on every instance', () => {
  let appA: NestFastifyApplication;
  let appB: NestFastifyApplication;
  let yesil: string;
  let almaly: string;
  let dispatcher: User;
  let almatyDispatcher: User;
  let supervisor: User;
  let prosecutor: User;
  const streams: SseClient[] = [];
  let seq = 0;

  const open = async (app: NestFastifyApplication, user: User) => {
    const stream = await SseClient.open(portOf(app), user.token);
    streams.push(stream);
    return stream;
  };
  const postCall = (user: User, districtId: string) =>
    request(appA.getHttpServer())
      .post('/api/v1/calls')
      .auth(user.token, { type: 'bearer' })
      .send({
        callerPhone: `+7701${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`,
        districtId,
        address: 'ул. Абая 1',
      });
  const notify = (payload: string) =>
    appA.get(DataSource).query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);

  beforeAll(async () => {
    // Instance A writes with the default heartbeat; instance B pushes with a short one.
    appA = await createTestApp();
    appB = await createTestApp({ env: { SSE_HEARTBEAT_SECONDS: '0.2' } });
    await appA.listen(0, '127.0.0.1');
    await appB.listen(0, '127.0.0.1');
    [yesil, almaly] = await districtIds(appA, 'AST-YESIL', 'ALA-ALMALY');
    dispatcher = await userWithToken(appA, 'dispatcher', ['AST-YESIL']);
    almatyDispatcher = await userWithToken(appA, 'dispatcher', ['ALA-ALMALY']);
    supervisor = await userWithToken(appA, 'supervisor', ['AST-YESIL']);
    prosecutor = await userWithToken(appA, 'prosecutor', ['AST-YESIL']);
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await appA?.close();
    await appB?.close();
  });

  it('refuses a caller without a token (401) and a role that does not dispatch (403)', async () => {
    const none = await request(appB.getHttpServer()).get('/api/v1/dispatch/stream');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const wrongRole = await request(appB.getHttpServer())
      .get('/api/v1/dispatch/stream')
      .auth(prosecutor.token, { type: 'bearer' });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.code).toBe('FORBIDDEN');
  });

  it('opens an event stream with proxy-safe headers, a retry hint and heartbeats', async () => {
    const stream = await open(appB, dispatcher);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toBe('text/event-stream');
    expect(stream.headers['cache-control']).toBe('no-cache');
    expect(stream.headers['x-accel-buffering']).toBe('no');
    const first = await stream.waitFor(() => true, 1000, 'first frame');
    expect(first.retry).toBeGreaterThan(0);
    // B beats every 0.2 s: a comment must come well within 2 s.
    const beat = await stream.waitFor((m) => m.comment === 'heartbeat', 2000, 'heartbeat');
    expect(beat.event).toBeUndefined();
    expect(stream.raw).toContain(': heartbeat\n\n');
    // The default elsewhere is 15 s.
    expect(appA.get(DispatchLiveService).options.heartbeatMs).toBe(15_000);
    expect(appB.get(DispatchLiveService).options.heartbeatMs).toBe(200);
  });

  it('delivers a call registered on instance A to its district’s subscribers on instance B only', async () => {
    const yesilStream = await open(appB, dispatcher);
    const almatyStream = await open(appB, almatyDispatcher);

    const latencies: Array<{ fromPost: number; fromAppend: number }> = [];
    let firstIncidentId = '';
    for (let i = 0; i < 5; i += 1) {
      const postedAt = Date.now();
      const created = await postCall(dispatcher, yesil);
      expect(created.status).toBe(201);
      const incidentId = created.body.incidentId as string;
      firstIncidentId ||= incidentId;
      const message = await yesilStream.waitForEvent('incident.created', incidentId, 2000);
      const [appended] = (await appA
        .get(DataSource)
        .query(`SELECT recorded_at FROM events WHERE stream_id = $1 AND type = 'IncidentOpened'`, [
          incidentId,
        ])) as Array<{ recorded_at: Date }>;
      latencies.push({
        fromPost: message.receivedAt - postedAt,
        fromAppend: message.receivedAt - appended.recorded_at.getTime(),
      });
      const data = JSON.parse(message.data as string) as LiveData;
      expect(data).toEqual({
        type: 'incident.created',
        id: incidentId,
        districtId: yesil,
        version: expect.any(Number),
        eventTypes: expect.arrayContaining(['IncidentOpened']),
        at: expect.any(String),
      });
      expect(Number.isNaN(Date.parse(data.at))).toBe(false);
    }
    process.stderr.write(
      `\ncross-instance SSE latency over ${latencies.length} calls: ` +
        `median ${median(latencies.map((l) => l.fromPost))} ms from POST on A, ` +
        `median ${median(latencies.map((l) => l.fromAppend))} ms from the append on A ` +
        `(each: ${latencies.map((l) => `${l.fromPost}/${l.fromAppend}`).join(', ')} ms)\n`,
    );

    // No personal data in the stream: not the caller's number, not the address.
    expect(yesilStream.raw).not.toMatch(/\+7701|Абая/);

    // An Almaty call committed after the Yesil ones reaches the Almaty console; notifications are
    // delivered in commit order, so had the Yesil ones been sent to it, they would be there first.
    const almatyCall = await postCall(almatyDispatcher, almaly);
    expect(almatyCall.status).toBe(201);
    await almatyStream.waitForEvent('incident.created', almatyCall.body.incidentId as string);
    expect(almatyStream.events().every((e) => e.districtId === almaly)).toBe(true);
    expect(almatyStream.raw).not.toContain(firstIncidentId);

    // And the flag-coded reassessment on A becomes an update on B, for Yesil only.
    const flagged = await request(appA.getHttpServer())
      .post(`/api/v1/calls/${(await callIdOf(firstIncidentId)) as string}/flag-coded`)
      .auth(dispatcher.token, { type: 'bearer' })
      .send();
    expect(flagged.status).toBe(200);
    const updated = await yesilStream.waitForEvent('incident.updated', firstIncidentId, 2000);
    const data = JSON.parse(updated.data as string) as LiveData;
    const createdVersion = yesilStream
      .events('incident.created')
      .find((e) => e.id === firstIncidentId)?.version as number;
    expect(data).toMatchObject({ type: 'incident.updated', districtId: yesil });
    expect(data.eventTypes).toContain('IncidentReassessed');
    expect(data.version).toBeGreaterThan(createdVersion);
    const later = await postCall(almatyDispatcher, almaly);
    await almatyStream.waitForEvent('incident.created', later.body.incidentId as string);
    expect(almatyStream.raw).not.toContain(firstIncidentId);
  });

  async function callIdOf(incidentId: string): Promise<string | undefined> {
    const [row] = (await appA
      .get(DataSource)
      .query(`SELECT id FROM calls WHERE incident_id = $1`, [incidentId])) as Array<{
      id: string;
    }>;
    return row?.id;
  }

  it('sends district-less events to supervisors only and survives malformed notifications', async () => {
    const supervisorStream = await open(appB, supervisor);
    const dispatcherStream = await open(appB, dispatcher);
    const orphan = randomUUID(); // no incident row: district unknown
    const person = randomUUID();
    await notify('not json at all');
    await notify(JSON.stringify({ streamId: 42, streamType: 'incident', types: [], version: 1 }));
    await notify(
      JSON.stringify({ streamId: 'x', streamType: 'incident', types: 'IncidentOpened' }),
    );
    await notify(
      JSON.stringify({
        streamId: person,
        streamType: 'person',
        types: ['PersonLinked'],
        version: 1,
      }),
    );
    await notify(
      JSON.stringify({
        streamId: orphan,
        streamType: 'incident',
        types: ['IncidentReassessed'],
        version: 3,
      }),
    );
    const seen = await supervisorStream.waitForEvent('incident.updated', orphan, 2000);
    expect(JSON.parse(seen.data as string)).toMatchObject({ districtId: null, version: 3 });

    // A real call after all that still flows (the process and the listener are fine), and reaches
    // the dispatcher after the orphan would have: the orphan was not sent to the dispatcher.
    const created = await postCall(dispatcher, yesil);
    await dispatcherStream.waitForEvent('incident.created', created.body.incidentId as string);
    await supervisorStream.waitForEvent('incident.created', created.body.incidentId as string);
    expect(dispatcherStream.raw).not.toContain(orphan);
    expect(supervisorStream.raw).not.toContain(person);
    expect(dispatcherStream.raw).not.toContain(person);
  });

  it('reconnects the LISTEN connection after it is killed, tells consoles to re-read, and flows again', async () => {
    const stream = await open(appB, dispatcher);
    const killed = (await appA.get(DataSource).query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
         WHERE application_name = 'qorgau-dispatch-live' AND datname = current_database()`,
    )) as Array<{ ok: boolean }>;
    // One listener per instance: A's and B's (other suites' apps use other names or databases).
    expect(killed.filter((k) => k.ok).length).toBeGreaterThanOrEqual(2);
    const resync = await stream.waitFor((m) => m.event === 'resync', 5000, 'resync');
    expect(JSON.parse(resync.data as string)).toMatchObject({
      type: 'resync',
      reason: 'listener-reconnected',
    });
    const created = await postCall(dispatcher, yesil);
    await stream.waitForEvent('incident.created', created.body.incidentId as string, 2000);
  });

  it('forgets a subscriber whose client went away', async () => {
    const live = appB.get(DispatchLiveService);
    const before = live.subscriberCount;
    const stream = await open(appB, dispatcher);
    await eventually(() => live.subscriberCount === before + 1, 2000, 'subscription');
    stream.close();
    await eventually(() => live.subscriberCount === before, 2000, 'unsubscription');
  });

  it('ends the stream of a user who is disabled, and applies district changes, at the next heartbeat', async () => {
    const admin = await userWithToken(appA, 'admin', ['AST-YESIL']);
    const approver = await userWithToken(appA, 'admin', ['AST-YESIL']);
    const watcher = await userWithToken(appA, 'dispatcher', ['AST-YESIL']);
    const moved = await userWithToken(appA, 'dispatcher', ['AST-YESIL']);
    const watching = await open(appB, watcher);
    const movedStream = await open(appB, moved);
    await watching.waitFor((m) => m.comment === 'heartbeat', 2000, 'heartbeat before the change');
    // A move adds a district: it needs a second admin (the Yesil part is dropped at once).
    const move = await request(appA.getHttpServer())
      .patch(`/api/v1/users/${moved.id}`)
      .auth(admin.token, { type: 'bearer' })
      .send({ districtIds: [almaly] })
      .expect(202);
    await request(appA.getHttpServer())
      .post(`/api/v1/users/changes/${move.body.changeId}/approve`)
      .auth(approver.token, { type: 'bearer' })
      .expect(200);
    await request(appA.getHttpServer())
      .patch(`/api/v1/users/${watcher.id}`)
      .auth(admin.token, { type: 'bearer' })
      .send({ disabled: true })
      .expect(200);
    await within(watching.ended, 2000, 'the disabled user’s stream ending');
    // The moved dispatcher now sees Almaly, not Yesil: two heartbeats later the change is in force.
    const beats = movedStream.raw.split(': heartbeat').length;
    await eventually(
      () => movedStream.raw.split(': heartbeat').length >= beats + 2,
      2000,
      'two heartbeats',
    );
    const yesilCall = await postCall(dispatcher, yesil);
    const almalyCall = await postCall(almatyDispatcher, almaly);
    await movedStream.waitForEvent('incident.created', almalyCall.body.incidentId);
    expect(movedStream.events('incident.created').map((e) => e.id)).not.toContain(
      yesilCall.body.incidentId,
    );
  });

  it('ends the stream of a user whose password another admin reset (their tokens are revoked)', async () => {
    const admin = await userWithToken(appA, 'admin', ['AST-YESIL']);
    const approver = await userWithToken(appA, 'admin', ['AST-YESIL']);
    const user = await userWithToken(appA, 'dispatcher', ['AST-YESIL']);
    const stream = await open(appB, user);
    await stream.waitFor((m) => m.comment === 'heartbeat', 2000, 'heartbeat before the reset');
    const reset = await request(appA.getHttpServer())
      .patch(`/api/v1/users/${user.id}`)
      .auth(admin.token, { type: 'bearer' })
      .send({ password: 'Reset-Stream-Password-77' })
      .expect(202);
    await request(appA.getHttpServer())
      .post(`/api/v1/users/changes/${reset.body.changeId}/approve`)
      .auth(approver.token, { type: 'bearer' })
      .expect(200);
    await within(stream.ended, 2000, 'the reset user’s stream ending');
  });

  it('closes an instance promptly while streams are open, ending them', async () => {
    const appC = await createTestApp();
    await appC.listen(0, '127.0.0.1');
    const stream = await open(appC, dispatcher);
    await stream.waitFor((m) => m.retry !== undefined, 1000, 'retry');
    const started = Date.now();
    await within(appC.close(), 5000, 'app.close() with an open stream');
    await within(stream.ended, 1000, 'the client seeing the stream end');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
