import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import * as nodeHttp from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeadlineRunner } from '../src/modules/deadlines/application/deadline-runner';
import { createTestApp, districtIds, testDatabaseUrl, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

let serial = 2000 + (Date.now() % 5000);
function iin(yymmdd: string): string {
  for (;;) {
    const first11 = `${yymmdd}3${String(serial++ % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}

const HOUR = 3_600_000;

describe('deadlines and alerts', () => {
  // Its own stretch of 2027, so deadlines of other specs (2026) are long settled when these fire.
  const clock = new FakeClock('2027-03-01T05:00:00.000Z');
  let app: NestFastifyApplication;
  let dispatcher: User;
  let inspector: User;
  let supervisor: User;
  let almatyInspector: User;
  let yesil: string;
  let seq = 0;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp({ clock });
    [yesil] = await districtIds(app, 'AST-YESIL');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    inspector = await userWithToken(app, 'inspector', ['AST-YESIL']);
    supervisor = await userWithToken(app, 'supervisor', ['AST-YESIL']);
    almatyInspector = await userWithToken(app, 'inspector', ['ALA-ALMALY']);
  });
  let other: NestFastifyApplication | undefined;
  afterAll(async () => {
    await other?.close();
    await app.close();
  });

  /** Fires everything due at the fake clock's now, batch after batch. */
  async function fireAll(runner = app.get(DeadlineRunner)): Promise<number> {
    let fired = 0;
    for (;;) {
      const r = await runner.fireDue(200);
      fired += r.fired;
      if (r.claimed < 200) return fired;
    }
  }

  async function order(): Promise<{ id: string; incidentId: string }> {
    seq += 1;
    const call = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        callerPhone: `+7701666${String(seq).padStart(4, '0')}`,
        districtId: yesil,
        address: `пр. Сроков ${seq}-${Date.now() % 1e5}`,
      });
    const res = await http()
      .post('/api/v1/protective-orders')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId: call.body.incidentId,
        offender: { iin: iin('810202'), fullName: 'Offender Srokov' },
        victim: { fullName: `Victim ${seq}` },
        issuedAt: clock.now().toISOString(),
        prohibitions: ['no contact'],
        victimOpinion: 'agrees',
      });
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
    return { id: res.body.id, incidentId: call.body.incidentId };
  }

  const alertsOf = async (user: User, subjectId: string) => {
    const res = await http()
      .get('/api/v1/alerts')
      .query({ subjectId, limit: 500 })
      .auth(user.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return (
      res.body as Array<{ id: string; kind: string; subject: { id: string }; status: string }>
    ).filter((a) => a.subject.id === subjectId);
  };

  it('raises order_not_served after the policy hours, once, and escalates it when nobody acknowledges', async () => {
    clock.set('2027-03-01T05:00:00.000Z');
    const o = await order();
    clock.advance(24 * HOUR - 1000);
    await fireAll();
    expect(await alertsOf(inspector, o.id)).toEqual([]);
    clock.advance(1000);
    await fireAll();
    await fireAll();
    const alerts = await alertsOf(inspector, o.id);
    expect(alerts.map((a) => [a.kind, a.status])).toEqual([['order_not_served', 'open']]);
    expect(await alertsOf(almatyInspector, o.id)).toEqual([]);

    // Five minutes unacknowledged: the duty supervisor gets an escalation.
    clock.advance(300_000);
    await fireAll();
    const sup = await http()
      .get('/api/v1/alerts')
      .query({ kind: 'alert_unacknowledged', subjectId: alerts[0].id })
      .auth(supervisor.token, { type: 'bearer' });
    // Other specs share the database: the escalation is found by its subject, not by its rank.
    expect((sup.body as Array<{ subject: { id: string } }>).map((a) => a.subject.id)).toEqual([
      alerts[0].id,
    ]);
  });

  it('acknowledging an alert cancels its escalation', async () => {
    clock.set('2027-04-01T05:00:00.000Z');
    const o = await order();
    clock.advance(24 * HOUR);
    await fireAll();
    const [alert] = await alertsOf(inspector, o.id);
    const ack = await http()
      .post(`/api/v1/alerts/${alert.id}/ack`)
      .auth(inspector.token, { type: 'bearer' });
    expect(ack.status).toBe(200);
    expect(ack.body.status).toBe('acknowledged');
    clock.advance(600_000);
    await fireAll();
    const [row] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM alerts WHERE subject_id = $1`, [alert.id]);
    expect(row.n).toBe(0);
    // An escalation already raised is answered by acknowledging the alert it escalated.
    const o2 = await order();
    clock.advance(24 * HOUR);
    await fireAll();
    const [late] = await alertsOf(inspector, o2.id);
    clock.advance(300_000);
    await fireAll();
    const [escalation] = await alertsOf(supervisor, late.id);
    expect(escalation).toMatchObject({ kind: 'alert_unacknowledged', status: 'open' });
    await http().post(`/api/v1/alerts/${late.id}/ack`).auth(inspector.token, { type: 'bearer' });
    expect((await alertsOf(supervisor, late.id))[0].status).toBe('acknowledged');
    const foreign = await http()
      .post(`/api/v1/alerts/${alert.id}/ack`)
      .auth(almatyInspector.token, { type: 'bearer' });
    expect(foreign.status).toBe(404);
  });

  it('a served order warns before its end, then expires by itself with an event on its stream', async () => {
    clock.set('2027-05-01T05:00:00.000Z');
    const o = await order();
    await http()
      .post(`/api/v1/protective-orders/${o.id}/serve`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ servedAt: clock.now().toISOString() });
    const deadlines = await http()
      .get('/api/v1/deadlines')
      .query({ subjectId: o.id })
      .auth(inspector.token, { type: 'bearer' });
    const byKind = Object.fromEntries(
      (
        deadlines.body as Array<{
          kind: string;
          state: string;
          dueAt: string;
          subject: { id: string };
          rule: { key: string; citation?: string };
        }>
      )
        .filter((d) => d.subject.id === o.id)
        .map((d) => [d.kind, d]),
    );
    expect(byKind.order_not_served.state).toBe('cancelled');
    expect(byKind.order_expired).toMatchObject({
      state: 'pending',
      dueAt: '2027-05-31T19:00:00.000Z',
    });
    expect(byKind.order_expiring).toMatchObject({
      dueAt: '2027-05-28T19:00:00.000Z',
      rule: { key: 'alert.orderExpiringLeadHours' },
    });
    expect(byKind.order_expiring.rule.citation).toMatch(/Service policy/);

    clock.set('2027-05-28T19:00:00.000Z');
    await fireAll();
    expect((await alertsOf(inspector, o.id)).map((a) => a.kind)).toContain('order_expiring');
    clock.set('2027-05-31T19:00:00.000Z');
    await fireAll();
    expect((await alertsOf(inspector, o.id)).map((a) => a.kind)).toContain('order_expired');
    const db = app.get(DataSource);
    const [row] = await db.query(`SELECT status FROM protective_orders WHERE id = $1`, [o.id]);
    expect(row.status).toBe('expired');
    const events = await db.query(
      `SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`,
      [o.id],
    );
    expect(events.map((e: { type: string }) => e.type)).toEqual([
      'ProtectiveOrderIssued',
      'ProtectiveOrderServed',
      'ProtectiveOrderExpired',
    ]);
  });

  it('revoking an order cancels its pending alerts', async () => {
    clock.set('2027-06-01T05:00:00.000Z');
    const o = await order();
    await http()
      .post(`/api/v1/protective-orders/${o.id}/revoke`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ reason: 'replaced by a court order' });
    clock.advance(40 * 24 * HOUR);
    await fireAll();
    expect(await alertsOf(inspector, o.id)).toEqual([]);
    const [row] = await app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM deadlines WHERE subject_id = $1 AND state = 'pending'`,
        [o.id],
      );
    expect(row.n).toBe(0);
  });

  it('warns before an arrested offender is released, and when he is', async () => {
    clock.set('2027-07-01T05:00:00.000Z');
    const o = await order();
    const arrest = await http()
      .post('/api/v1/arrests')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId: o.incidentId,
        offenderIin: iin('820303'),
        courtDecisionRef: 'D-1',
        days: 3,
        startsAt: clock.now().toISOString(),
      });
    expect(arrest.status).toBe(201);
    clock.advance(48 * HOUR);
    await fireAll();
    expect((await alertsOf(inspector, arrest.body.id)).map((a) => a.kind)).toEqual([
      'arrest_release_upcoming',
    ]);
    clock.advance(24 * HOUR);
    await fireAll();
    expect((await alertsOf(inspector, arrest.body.id)).map((a) => a.kind).sort()).toEqual([
      'arrest_release_upcoming',
      'offender_released',
    ]);
  });

  it('two runners racing on one database fire each deadline once', async () => {
    clock.set('2027-08-01T05:00:00.000Z');
    const orders = await Promise.all(Array.from({ length: 10 }, () => order()));
    // A second instance in this process stays open until the end: closing it would close the
    // data source the first one shares through TypeORM's registry of default data sources.
    other = await createTestApp({ clock });
    {
      clock.advance(24 * HOUR);
      await Promise.all([
        fireAll(),
        fireAll(other.get(DeadlineRunner)),
        fireAll(),
        fireAll(other.get(DeadlineRunner)),
      ]);
      const [row] = await app
        .get(DataSource)
        .query(
          `SELECT count(*)::int AS n, count(DISTINCT subject_id)::int AS d FROM alerts WHERE subject_id = ANY($1::uuid[])`,
          [orders.map((o) => o.id)],
        );
      expect(row).toEqual({ n: 10, d: 10 });
    }
  });

  it('a runner that dies holding claimed deadlines loses nothing: the next poll fires them at once', async () => {
    clock.set('2027-09-01T05:00:00.000Z');
    const o = await order();
    clock.advance(24 * HOUR);
    // A worker claims the due row and dies before committing (its connection is cut).
    const dying = new Client({ connectionString: testDatabaseUrl() });
    await dying.connect();
    dying.on('error', () => undefined);
    await dying.query('BEGIN');
    const claimed = await dying.query(
      `SELECT id FROM deadlines WHERE subject_id = $1 AND state = 'pending' FOR UPDATE SKIP LOCKED`,
      [o.id],
    );
    expect(claimed.rowCount).toBe(1);
    // While it holds the row, others skip it rather than wait or fire it twice.
    await fireAll();
    expect(await alertsOf(inspector, o.id)).toEqual([]);
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend($1)`, [
      (dying as unknown as { processID: number }).processID,
    ]);
    await admin.end();
    dying.on('error', () => undefined);
    await fireAll();
    expect((await alertsOf(inspector, o.id)).map((a) => a.kind)).toEqual(['order_not_served']);
  });

  it('a coded call left unassigned raises its alert after the policy seconds; a closed one does not', async () => {
    clock.set('2027-11-01T05:00:00.000Z');
    const call = (address: string) =>
      http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address, coded: true });
    const left = await call(`ул. Тихая ${Date.now() % 1e5}`);
    const closed = await call(`ул. Закрытая ${Date.now() % 1e5}`);
    expect(left.status).toBe(201);
    const close = await http()
      .post(`/api/v1/incidents/${closed.body.incidentId}/close`)
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ disposition: 'duplicate' });
    expect(close.status).toBe(200);
    clock.advance(59_000);
    await fireAll();
    expect(await alertsOf(dispatcher, left.body.incidentId)).toEqual([]);
    clock.advance(1_000);
    await fireAll();
    expect((await alertsOf(dispatcher, left.body.incidentId)).map((a) => a.kind)).toEqual([
      'coded_call_unassigned',
    ]);
    expect((await alertsOf(supervisor, left.body.incidentId)).map((a) => a.kind)).toEqual([
      'coded_call_unassigned',
    ]);
    expect(await alertsOf(inspector, left.body.incidentId)).toEqual([]);
    expect(await alertsOf(dispatcher, closed.body.incidentId)).toEqual([]);
    // A coded call is P1: not on scene by the response target, it is overdue too.
    clock.advance(15 * 60_000);
    await fireAll();
    expect((await alertsOf(dispatcher, left.body.incidentId)).map((a) => a.kind).sort()).toEqual([
      'arrival_overdue',
      'coded_call_unassigned',
    ]);
  });

  it('an admin who posts shorter offsets sees alerts fire within seconds', async () => {
    clock.set('2028-01-01T00:00:00.000Z');
    const admin = await userWithToken(app, 'admin');
    const posted = await http()
      .post('/api/v1/policies')
      .auth(admin.token, { type: 'bearer' })
      .send({
        kind: 'deadlines',
        version: '2028.drill',
        validFrom: '2028-01-01T00:00:30Z',
        values: {
          'alert.codedCallUnassignedSeconds': {
            value: 5,
            unit: 's',
            citation: 'Drill: a 5 s target',
          },
        },
      });
    expect(posted.status).toBe(201);
    clock.set('2028-01-01T00:01:00.000Z');
    const c = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ districtId: yesil, address: `ул. Учебная ${Date.now() % 1e5}`, coded: true });
    const deadlines = await http()
      .get('/api/v1/deadlines')
      .query({ subjectId: c.body.incidentId })
      .auth(dispatcher.token, { type: 'bearer' });
    const coded = (
      deadlines.body as Array<{
        kind: string;
        dueAt: string;
        rule: { version: string; value: unknown };
      }>
    ).find((d) => d.kind === 'coded_call_unassigned')!;
    expect(coded).toMatchObject({
      dueAt: '2028-01-01T00:01:05.000Z',
      rule: { version: '2028.drill', value: 5 },
    });
    clock.advance(5_000);
    await fireAll();
    expect((await alertsOf(dispatcher, c.body.incidentId)).map((a) => a.kind)).toEqual([
      'coded_call_unassigned',
    ]);
  });

  it('pushes a raised alert to the consoles it is addressed to, live', async () => {
    clock.set('2028-02-01T05:00:00.000Z');
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as { port: number }).port;
    /** Resolves once the stream answered, so nothing raised after it can be missed. */
    const open = (token: string) =>
      new Promise<{ seen: { text: string }; close: () => void }>((resolve, reject) => {
        const seen = { text: '' };
        const req = nodeHttp.get({
          host: '127.0.0.1',
          port,
          path: '/api/v1/dispatch/stream',
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        });
        req.on('response', (res) => {
          res.on('data', (c: Buffer) => (seen.text += c.toString('utf8')));
          res.once('data', () => resolve({ seen, close: () => req.destroy() }));
        });
        req.on('error', reject);
      });
    const dispatcherStream = await open(dispatcher.token);
    const supervisorStream = await open(supervisor.token);
    const inspectorStream = await open(inspector.token);
    try {
      const c = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address: `ул. Живая ${Date.now() % 1e5}`, coded: true });
      clock.advance(60_000);
      await fireAll();
      const [alert] = await alertsOf(dispatcher, c.body.incidentId);
      expect(alert.kind).toBe('coded_call_unassigned');
      const deadline = Date.now() + 5000;
      while (!dispatcherStream.seen.text.includes(alert.id) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(dispatcherStream.seen.text).toMatch(
        new RegExp(`event: alert\\.raised\\ndata: \\{[^\\n]*"id":"${alert.id}"`),
      );
      while (!supervisorStream.seen.text.includes(alert.id) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(supervisorStream.seen.text).toContain(alert.id);
      // The inspector's console is open too, but a dispatch alert is not addressed to her.
      expect(inspectorStream.seen.text).not.toContain(alert.id);
      // Her own alert (an order not served in time) reaches her console live.
      const o = await order();
      clock.advance(24 * HOUR);
      await fireAll();
      const [own] = await alertsOf(inspector, o.id);
      while (!inspectorStream.seen.text.includes(own.id) && Date.now() < deadline + 5000)
        await new Promise((r) => setTimeout(r, 20));
      expect(inspectorStream.seen.text).toContain(own.id);
    } finally {
      dispatcherStream.close();
      supervisorStream.close();
      inspectorStream.close();
    }
  });

  it('pages the inbox with a cursor: the pages together are the whole list, newest first', async () => {
    const page = (cursor?: string, limit = 2) =>
      http()
        .get('/api/v1/alerts')
        .query({ limit, ...(cursor ? { cursor } : {}) })
        .auth(supervisor.token, { type: 'bearer' });
    const whole = await page(undefined, 500);
    expect(whole.status).toBe(200);
    expect(whole.body.length).toBeGreaterThan(4);
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 3; i += 1) {
      const res = await page(cursor);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(2);
      seen.push(...(res.body as Array<{ id: string }>).map((a) => a.id));
      cursor = res.headers['x-next-cursor'] as string;
      expect(cursor).toBe(res.body[1].id);
    }
    expect(seen).toEqual((whole.body as Array<{ id: string }>).slice(0, 6).map((a) => a.id));
    const last = await page(undefined, whole.body.length);
    expect(last.headers['x-next-cursor']).toBeUndefined();
    expect((await page('not-a-cursor')).status).toBe(400);
  });

  it('housekeeping forgets idempotency keys after a day, once per cluster', async () => {
    clock.set('2027-10-01T05:00:00.000Z');
    const db = app.get(DataSource);
    const insert = (key: string, at: string) =>
      db.query(
        `INSERT INTO idempotency_keys (user_id, key, method, path, request_sha256, response, created_at)
         VALUES ($1, $2, 'POST', '/x', repeat('0', 64), '{}', $3)`,
        [inspector.id, key, at],
      );
    const old = `old-${Date.now()}`;
    const fresh = `fresh-${Date.now()}`;
    await insert(old, '2027-09-30T04:59:00.000Z');
    await insert(fresh, '2027-09-30T05:01:00.000Z');
    const runs = await Promise.all([
      app.get(DeadlineRunner).housekeep(),
      other!.get(DeadlineRunner).housekeep(),
    ]);
    expect(runs.filter((r) => r !== null).length).toBeGreaterThanOrEqual(1);
    const keys = await db.query(`SELECT key FROM idempotency_keys WHERE key = ANY($1)`, [
      [old, fresh],
    ]);
    expect(keys.map((k: { key: string }) => k.key)).toEqual([fresh]);
  });

  it('the database keeps audit, access and logon logs unchanged for at least 365 days', async () => {
    const db = app.get(DataSource);
    const o = await order(); // audited write
    await http()
      .get(`/api/v1/incidents/${o.incidentId}`)
      .auth(dispatcher.token, { type: 'bearer' }); // access-logged read
    for (const table of ['audit_log', 'access_log', 'login_attempts']) {
      const [before] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect([table, before.n > 0]).toEqual([table, true]);
      await expect(db.query(`DELETE FROM ${table}`)).rejects.toThrow(
        /kept unchanged for at least 365 days/,
      );
      await expect(db.query(`UPDATE ${table} SET at = at`)).rejects.toThrow(/at least 365 days/);
      await expect(db.query(`TRUNCATE ${table} CASCADE`)).rejects.toThrow(/at least 365 days/);
      const [after] = await db.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect(after.n).toBe(before.n);
    }
  });
});
