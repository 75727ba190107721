import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { HashingGate } from '../src/modules/identity/application/hashing-gate';
import { createTestApp, TEST_PASSWORD, uniqueName, userWithToken } from './support/test-app';

/**
 * A whole dispatch centre logs in from behind one NAT address: one person hammering the login
 * from that address must not shut the others out, and a flood must be refused fast, not slow
 * every real login down.
 */
describe('login throttling: per address, never against correct credentials', () => {
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());
  const login = (username: string, password: string, ip: string) =>
    http().post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ username, password });
  const retryAfter = (res: request.Response) => Number(res.headers['retry-after']);

  beforeAll(async () => {
    // One password check at a time and one place in the queue make the bound observable.
    app = await createTestApp({
      env: { TRUST_PROXY: 'true', LOGIN_HASH_CONCURRENCY: '1', LOGIN_HASH_QUEUE: '1' },
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('keeps the per-account lockout behind a throttled address', async () => {
    const ip = '10.81.0.1';
    // The address's 100 failures are seeded in the table the throttle reads, for speed;
    // test/identity.e2e-spec.ts earns them over HTTP and then logs a colleague in.
    await app.get(DataSource).query(
      `INSERT INTO login_attempts (username, ip, at, outcome)
       SELECT 'ghost.' || g, $1, now(), 'bad_credentials' FROM generate_series(1, 100) AS g`,
      [ip],
    );
    const victim = await userWithToken(app, 'dispatcher');
    for (let i = 0; i < 5; i++)
      expect((await login(victim.username, `Wrong-Password-${i}00`, ip)).status).toBe(429);
    // Locked now: the right password is refused, from this address and from any other.
    expect((await login(victim.username, TEST_PASSWORD, ip)).status).toBe(429);
    const elsewhere = await login(victim.username, TEST_PASSWORD, '10.81.0.2');
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.body.code).toBe('INVALID_CREDENTIALS');
  }, 120_000);

  /** Holds the only password-check slot until released, as a long check would. */
  function holdSlot(): { release: () => void; done: Promise<unknown> } {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const done = app.get(HashingGate).run(() => held, true);
    expect(app.get(HashingGate).inUse).toBe(1);
    return { release, done };
  }

  it('refuses a flood of concurrent logins fast with 503 and Retry-After, then serves again', async () => {
    const slot = holdSlot();
    const answered: number[] = [];
    const flood = Array.from({ length: 12 }, (_, i) =>
      login(uniqueName('flood'), 'Wrong-Password-123', `10.82.0.${i + 1}`).then((r) => {
        answered.push(r.status);
        return r;
      }),
    );
    // While the slot is still held, every login but the one queued has been answered: 503.
    while (answered.length < 11) await new Promise((r) => setTimeout(r, 5));
    expect(answered).toEqual(Array(11).fill(503));
    expect(app.get(HashingGate).queued).toBe(1);
    slot.release();
    await slot.done;
    const results = await Promise.all(flood);
    expect(answered[11]).toBe(401);
    for (const res of results.filter((r) => r.status === 503)) {
      expect(res.body).toEqual({
        statusCode: 503,
        code: 'LOGIN_BUSY',
        message: 'Too many logins in progress; try again in a moment',
      });
      expect(retryAfter(res)).toBeGreaterThanOrEqual(1);
    }
    expect(app.get(HashingGate).inUse).toBe(0);
    const user = await userWithToken(app, 'dispatcher');
    expect((await login(user.username, TEST_PASSWORD, '10.82.1.1')).status).toBe(200);
  });

  it('lets a throttled address take only a free slot, never the queue others wait in', async () => {
    const ip = '10.83.0.1';
    await app.get(DataSource).query(
      `INSERT INTO login_attempts (username, ip, at, outcome)
       SELECT 'ghost.' || g, $1, now(), 'bad_credentials' FROM generate_series(1, 100) AS g`,
      [ip],
    );
    const user = await userWithToken(app, 'dispatcher');
    const slot = holdSlot();
    const name = uniqueName('spray');
    const throttled = await login(name, 'Wrong-Password-123', ip);
    expect(throttled.status).toBe(429);
    expect(retryAfter(throttled)).toBeGreaterThanOrEqual(1);
    // A login from an unthrottled address waits in the queue and is served once the slot frees.
    const queued = login(user.username, TEST_PASSWORD, '10.83.0.2').then((r) => r);
    while (app.get(HashingGate).queued < 1) await new Promise((r) => setTimeout(r, 5));
    slot.release();
    expect((await queued).status).toBe(200);
    const rows = (await app
      .get(DataSource)
      .query(`SELECT outcome FROM login_attempts WHERE username = $1`, [name])) as unknown[];
    expect(rows).toEqual([{ outcome: 'rate_limited' }]);
  });
});
