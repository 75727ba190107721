import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { EVENTS_CHANNEL } from '@app/event-store';
import { DataSource } from 'typeorm';
import { DispatchLiveService } from '../src/modules/dispatch/live/dispatch-live.service';
import { createTestApp, userWithToken } from './support/test-app';

const BACKLOG_LIMIT = 65_536;

async function until(test: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live stream: bounded backlog per client, bounded streams per user', () => {
  let app: NestFastifyApplication;
  let port: number;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    app = await createTestApp({
      env: { SSE_MAX_BACKLOG_BYTES: String(BACKLOG_LIMIT), SSE_MAX_STREAMS_PER_USER: '2' },
    });
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await app.close();
  });

  const connections = () =>
    new Promise<number>((resolve, reject) =>
      app.getHttpServer().getConnections((e, n) => (e ? reject(e) : resolve(n))),
    );
  const live = () => app.get(DispatchLiveService);

  it('cuts off (destroys) a client that never reads once its unsent backlog passes the limit', async () => {
    const supervisor = await userWithToken(app, 'supervisor', ['AST-YESIL']);
    const before = live().subscriberCount;
    // A raw client that sends its request and then never reads a byte.
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.pause();
    socket.write(
      `GET /api/v1/dispatch/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n` +
        `Authorization: Bearer ${supervisor.token}\r\n\r\n`,
    );
    await until(() => live().subscriberCount === before + 1, 5000, 'the stream to open');
    const open = await connections();

    // District-less incident events (unknown ids) go to supervisors: ~7 KB each, until cut.
    const ds = app.get(DataSource);
    const big = 'X'.repeat(7000);
    let sent = 0;
    for (; sent < 2000 && (await connections()) >= open; sent++) {
      const payload = JSON.stringify({
        streamId: randomUUID(),
        streamType: 'incident',
        types: [big],
        version: 1,
      });
      await ds.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payload]);
      if (sent % 25 === 24) await new Promise((r) => setTimeout(r, 20));
    }
    await until(async () => (await connections()) === open - 1, 5000, 'the connection to be cut');
    expect(live().subscriberCount).toBe(before);
    // Cut well before everything sent was queued for it (kernel buffers plus the limit).
    expect(sent).toBeLessThan(2000);
  });

  function openStream(token: string) {
    return new Promise<{ res: IncomingMessage; body: () => string; ended: Promise<void> }>(
      (resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/api/v1/dispatch/stream',
            headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            const ended = new Promise<void>((done) => {
              res.on('end', () => done());
              res.on('close', () => done());
            });
            resolve({ res, body: () => text, ended });
          },
        );
        req.on('error', reject);
        req.on('socket', (s) => sockets.push(s));
      },
    );
  }

  it('closes the oldest stream of a user who opens one more than the limit', async () => {
    const dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    const before = live().subscriberCount;
    const first = await openStream(dispatcher.token);
    const second = await openStream(dispatcher.token);
    await until(() => live().subscriberCount === before + 2, 5000, 'two streams');
    const third = await openStream(dispatcher.token);
    await first.ended;
    expect(first.body()).toContain('event: closed');
    expect(first.body()).toContain('too-many-streams');
    await until(() => live().subscriberCount === before + 2, 5000, 'two streams again');
    expect(second.res.complete).toBe(false);
    expect(third.res.complete).toBe(false);
    expect(second.body()).not.toContain('event: closed');
  });
});
