import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { isDatabaseUnavailable, UnitOfWork } from '@app/persistence';
import request from 'supertest';
import { createTestApp, districtIds, testDatabaseUrl, userWithToken } from './support/test-app';

/**
 * A TCP proxy between the app and the test database that the test can cut and restore: a database
 * outage without stopping the machine's shared PostgreSQL. Cut = refuse new connections and drop
 * every open one (what the app sees when PostgreSQL stops).
 */
class CuttableProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('a database outage answers 503 with Retry-After, and nothing needs a restart after it', () => {
  let app: NestFastifyApplication;
  let proxy: CuttableProxy;
  let admin: Awaited<ReturnType<typeof userWithToken>>;
  let districtId: string;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  const createUnit = () =>
    http()
      .post('/api/v1/units')
      .set('Authorization', `Bearer ${admin.token}`)
      .send({ callSign: `OUT-${Date.now().toString(36)}${seq++}`, districtId });
  const listUnits = () => http().get('/api/v1/units').set('Authorization', `Bearer ${admin.token}`);

  beforeAll(async () => {
    const target = new URL(testDatabaseUrl());
    proxy = new CuttableProxy(target.hostname, Number(target.port || 5432));
    await proxy.open();
    const proxied = new URL(target.toString());
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    app = await createTestApp({ databaseUrl: proxied.toString() });
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
    [districtId] = await districtIds(app, 'AST-YESIL');
  });
  afterAll(async () => {
    await proxy.open().catch(() => undefined);
    await app.close();
    await proxy.cut();
  });

  function expectUnavailable(res: request.Response) {
    expect(res.status).toBe(503);
    expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  }

  it('answers 503 (never 401 or 500) while down, then the same token works again', async () => {
    expect((await listUnits()).status).toBe(200);
    expect((await createUnit()).status).toBe(201);

    await proxy.cut();
    // The logged-in read: the guard's user lookup fails; that is not a logout.
    expectUnavailable(await listUnits());
    // A write.
    expectUnavailable(await createUnit());
    const ready = await http().get('/api/v1/health/ready');
    expect(ready.status).toBe(503);
    expect(Number(ready.headers['retry-after'])).toBeGreaterThan(0);
    // Login itself is not a wrong password either.
    const login = await http()
      .post('/api/v1/auth/login')
      .send({ username: admin.username, password: 'whatever-it-is-1' });
    expectUnavailable(login);

    await proxy.open();
    const again = await listUnits();
    expect(again.status).toBe(200);
    expect((await createUnit()).status).toBe(201);
    expect((await http().get('/api/v1/health/ready')).status).toBe(200);
  });

  it('a transaction whose connection dies under it fails as unavailable, not as a released runner', async () => {
    const uow = app.get(UnitOfWork);
    const failure = await uow
      .run(async (tx) => {
        await tx.query('SELECT 1');
        await proxy.cut();
        // The first query sees the dropped connection; the runner is then released under us.
        await tx.query('SELECT 2').catch(() => undefined);
        await tx.query('SELECT 3');
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeDefined();
    expect(isDatabaseUnavailable(failure)).toBe(true);
    await proxy.open();
    expect((await listUnits()).status).toBe(200);
  });
});

describe('while draining, the 503s for requests still arriving carry Retry-After', () => {
  it('answers a request arriving on an open connection during the drain with 503 and Retry-After', async () => {
    const app = await createTestApp();
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    const socket = createConnection(port, '127.0.0.1');
    let raw = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (raw += chunk));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const body = JSON.stringify({ username: 'nobody.drain', password: 'Not-The-Password-1' });
    // A slow login (argon2) in flight while the app starts closing; then, on the same
    // connection, one more request: Fastify's own drain 503.
    socket.write(
      `POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await new Promise((r) => setTimeout(r, 150));
    const closed = app.close();
    for (let i = 0; i < 200 && !raw.includes('INVALID_CREDENTIALS'); i++)
      await new Promise((r) => setTimeout(r, 10));
    socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n`);
    for (let i = 0; i < 100 && (raw.match(/HTTP\/1\.1 /g) ?? []).length < 2; i++)
      await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    await closed;
    const responses = raw.split(/(?=HTTP\/1\.1 )/);
    if (responses.length !== 2) process.stderr.write(raw);
    expect(responses).toHaveLength(2);
    expect(responses[0]).toMatch(/^HTTP\/1\.1 401/);
    expect(responses[1]).toMatch(/^HTTP\/1\.1 503/);
    expect(responses[1].toLowerCase()).toMatch(/\r\nretry-after: \d+\r\n/);
  });
});
