import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { createTestDatabase, dropTestDatabase, FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { FakeGateway } from './support/fake-gateway';
import { createTestApp, districtIds, TEST_JWT_SECRET, userWithToken } from './support/test-app';

const SECRET = 'notify-webhook-test-secret-of-32-chars-or-more';

function iin(yymmdd: string, n: number): string {
  for (let i = n; ; i++) {
    const first11 = `${yymmdd}3${String(i % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}

/**
 * A worker killed (SIGKILL) while its delivery hangs leaves the job active in pg-boss. Once the
 * job's expiry passes, pg-boss's maintenance (run by any live worker) fails it and it is retried
 * by another worker: delivered within 2 minutes, and the receiver, deduping on Idempotency-Key,
 * applies it once. The drill posts a 10 s expiry to keep the test short; with the shipped rule
 * set (30 s) run it with NOTIFY_CRASH_TEST_DEFAULTS=1.
 */
describe('a notification whose worker was killed mid-delivery', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  const defaults = process.env.NOTIFY_CRASH_TEST_DEFAULTS === '1';
  const gateway = new FakeGateway(SECRET);
  let db: { name: string; url: string };
  let app: NestFastifyApplication;
  const children: ChildProcess[] = [];
  let output = '';

  beforeAll(async () => {
    execFileSync('npx', ['nest', 'build'], { cwd: process.cwd(), stdio: 'ignore' });
    db = await createTestDatabase(adminUrl(), 'notify_crash_test');
  }, 240_000);
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await app?.close();
    await gateway.stop();
    await dropTestDatabase(adminUrl(), db.name);
  });

  function worker(url: string): ChildProcess {
    const proc = spawn(process.execPath, ['dist/src/worker.js'], {
      cwd: process.cwd(),
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'info',
        NOTIFY_SMS_WEBHOOK_URL: `${url}/sms`,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        NOTIFY_MAINTENANCE_SECONDS: '2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    children.push(proc);
    return proc;
  }

  it('is delivered by another worker within 2 minutes, and applied once', async () => {
    const url = await gateway.start();
    // The enqueueing side runs in-process on its own clock (far from now: no deadline of it is
    // due for the workers, which run on the real clock).
    const clock = new FakeClock('2030-01-01T00:00:00.000Z');
    app = await createTestApp({ databaseUrl: db.url, clock });
    const [yesil] = await districtIds(app, 'AST-YESIL');
    const http = () => request(app.getHttpServer());
    const dispatcher = await userWithToken(app, 'dispatcher');
    const inspector = await userWithToken(app, 'inspector');
    if (!defaults) {
      const admin = await userWithToken(app, 'admin');
      const posted = await http()
        .post('/api/v1/policies')
        .auth(admin.token, { type: 'bearer' })
        .send({
          kind: 'notifications',
          version: '2030.drill',
          validFrom: '2030-01-01T00:00:30Z',
          values: {
            'notify.jobExpireSeconds': { value: 10, unit: 's', citation: 'Drill: 10 s expiry' },
            'notify.retryBaseSeconds': { value: 1, unit: 's', citation: 'Drill: 1 s back-off' },
          },
        });
      expect(posted.status).toBe(201);
      clock.set('2030-01-01T00:01:00.000Z');
    }
    const victimIin = iin('910202', Date.now() % 5000);
    const call = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        districtId: yesil,
        address: 'ул. Сбоев 1',
        callerPhone: '+77015550101',
        victim: { iin: victimIin, fullName: 'Victim Crash' },
      });
    expect(call.status).toBe(201);
    const person = await http()
      .get('/api/v1/persons')
      .query({ iin: victimIin })
      .auth(inspector.token, { type: 'bearer' });
    // Her consent predates both clocks: the workers address each delivery at their own (real)
    // time, years before this process's fake one, and only to a contact consented by then.
    const contact = await http()
      .post(`/api/v1/persons/${person.body.id}/safe-contact`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ channel: 'phone', value: '+77015550202', consentAt: '2020-01-01T00:00:00.000Z' });
    expect(contact.status).toBe(201);
    const order = await http()
      .post('/api/v1/protective-orders')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId: call.body.incidentId,
        offender: { iin: iin('800303', 7), fullName: 'Offender Crash' },
        victim: { iin: victimIin, fullName: 'Victim Crash' },
        issuedAt: clock.now().toISOString(),
        prohibitions: ['no contact'],
        victimOpinion: 'agrees',
      });
    expect(order.status).toBe(201);
    const serve = await http()
      .post(`/api/v1/protective-orders/${order.body.id}/serve`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ servedAt: clock.now().toISOString() });
    expect(serve.status).toBe(200);
    const [n] = (await app
      .get(DataSource)
      .query(`SELECT id, status FROM notifications WHERE subject_id = $1`, [
        order.body.id,
      ])) as Array<{ id: string; status: string }>;
    expect(n.status).toBe('pending');

    // The first delivery never gets an answer; the worker holding it is killed.
    gateway.respond = () => (gateway.received.length === 1 ? 'hang' : 200);
    const first = worker(url);
    await gateway.until(() => gateway.received.length >= 1, 60_000);
    first.kill('SIGKILL');
    const killedAt = performance.now();
    await new Promise((r) => first.once('exit', r));

    const second = worker(url);
    const deadline = Date.now() + 120_000;
    let status = 'pending';
    while (status !== 'sent') {
      if (Date.now() > deadline) {
        process.stderr.write(output);
        throw new Error('not delivered within 2 minutes of the kill');
      }
      await new Promise((r) => setTimeout(r, 250));
      [{ status }] = (await app
        .get(DataSource)
        .query(`SELECT status FROM notifications WHERE id = $1`, [n.id])) as Array<{
        status: string;
      }>;
    }
    const recoverySeconds = (performance.now() - killedAt) / 1000;
    process.stderr.write(
      `\nnotification recovered ${recoverySeconds.toFixed(1)} s after SIGKILL (${defaults ? 'shipped' : 'drill'} rule set)\n`,
    );
    expect(recoverySeconds).toBeLessThan(120);

    // Delivered at least twice over the wire, applied once by the receiver.
    const requests = gateway.received.filter((r) => r.headers['idempotency-key'] === n.id);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.every((r) => r.signatureValid)).toBe(true);
    expect([...gateway.effects.keys()]).toEqual([n.id]);
    expect(gateway.effects.get(n.id)).toBe(1);
    const [row] = (await app
      .get(DataSource)
      .query(`SELECT status, attempts FROM notifications WHERE id = $1`, [n.id])) as Array<{
      status: string;
      attempts: number;
    }>;
    expect(row).toEqual({ status: 'sent', attempts: 2 });

    // The surviving worker stops cleanly on SIGTERM.
    const exited = new Promise<number | null>((r) => second.once('exit', (code) => r(code)));
    second.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 240_000);
});
