import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeadlineRunner } from '../src/modules/deadlines/application/deadline-runner';
import { NotificationWorker } from '../src/modules/notifications/application/notification-worker';
import { FakeGateway } from './support/fake-gateway';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

const SECRET = 'notify-webhook-test-secret-of-32-chars-or-more';
const HOUR = 3_600_000;

let serial = 3000 + (Date.now() % 5000);
function iin(yymmdd: string): string {
  for (;;) {
    const first11 = `${yymmdd}4${String(serial++ % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}
/** A Kazakh mobile number unique to this run. */
let phoneSeq = Date.now() % 100_000;
const phone = () => `+7701${String(4_000_000 + (phoneSeq++ % 1_000_000)).padStart(7, '0')}`;

describe('outbound notifications to a victim’s safe contact', () => {
  // Its own stretch of 2029: other specs' deadlines are long settled when these fire.
  const clock = new FakeClock('2029-02-01T05:00:00.000Z');
  const gateway = new FakeGateway(SECRET);
  let app: NestFastifyApplication;
  let dispatcher: User;
  let inspector: User;
  let admin: User;
  let yesil: string;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    const base = await gateway.start();
    app = await createTestApp({
      clock,
      env: {
        NOTIFY_SMS_WEBHOOK_URL: `${base}/sms`,
        NOTIFY_CRISIS_WEBHOOK_URL: `${base}/crisis`,
        NOTIFY_WEBHOOK_SECRET: SECRET,
      },
    });
    [yesil] = await districtIds(app, 'AST-YESIL');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    inspector = await userWithToken(app, 'inspector', ['AST-YESIL']);
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
  });
  afterAll(async () => {
    await app.close();
    await gateway.stop();
  });

  async function fireAll(): Promise<void> {
    const runner = app.get(DeadlineRunner);
    while ((await runner.fireDue(200)).claimed === 200);
  }
  /** Runs the delivery worker's rounds until nothing is left to take. */
  async function deliverAll(): Promise<void> {
    const worker = app.get(NotificationWorker);
    while ((await worker.runOnce(20)) > 0);
  }
  const notificationsOf = async (subjectId: string) =>
    (await app
      .get(DataSource)
      .query(
        `SELECT id, kind, status, reason, channel, attempts FROM notifications WHERE subject_id = $1 ORDER BY created_at, kind`,
        [subjectId],
      )) as Array<{
      id: string;
      kind: string;
      status: string;
      reason: string | null;
      channel: string | null;
      attempts: number;
    }>;

  async function safeContact(personId: string, channel: string, value: string): Promise<void> {
    const res = await http()
      .post(`/api/v1/persons/${personId}/safe-contact`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ channel, value, consentAt: clock.now().toISOString() });
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
  }

  async function victimOfCall(opts: {
    coded: boolean;
    callerPhone?: string;
    victimPhone?: string;
  }) {
    const victimIin = iin('900101');
    const call = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        districtId: yesil,
        address: `ул. Уведомлений ${Date.now() % 1e6}`,
        coded: opts.coded,
        ...(opts.callerPhone ? { callerPhone: opts.callerPhone } : {}),
        victim: {
          iin: victimIin,
          fullName: 'Victim Notifiable',
          ...(opts.victimPhone ? { phone: opts.victimPhone } : {}),
        },
        offender: { iin: iin('850505'), fullName: 'Offender Notifiable' },
      });
    expect(call.status).toBe(201);
    const person = await http()
      .get('/api/v1/persons')
      .query({ iin: victimIin })
      .auth(inspector.token, { type: 'bearer' });
    expect(person.status).toBe(200);
    return { incidentId: call.body.incidentId as string, personId: person.body.id as string };
  }

  async function arrest(incidentId: string, offenderIin: string, startsAt: Date) {
    const res = await http()
      .post('/api/v1/arrests')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId,
        offenderIin,
        courtDecisionRef: 'D-N',
        days: 3,
        startsAt: startsAt.toISOString(),
      });
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
    return { id: res.body.id as string, releaseAt: new Date(res.body.releaseAt as string) };
  }

  it('never sends anything to the number of a coded call; with a safe contact Y it sends to Y only', async () => {
    clock.set('2029-02-01T05:00:00.000Z');
    const X = phone();
    const Y = phone();
    const { incidentId, personId } = await victimOfCall({
      coded: true,
      callerPhone: X,
      victimPhone: X,
    });
    const offender = (
      (await app
        .get(DataSource)
        .query(
          `SELECT p.iin FROM incident_persons ip JOIN persons p ON p.id = ip.person_id WHERE ip.incident_id = $1 AND ip.role = 'offender'`,
          [incidentId],
        )) as Array<{ iin: string }>
    )[0].iin;
    const before = gateway.received.length;

    // No safe contact at all: the release warning fires, nothing is sent, and it is recorded.
    const first = await arrest(incidentId, offender, clock.now());
    clock.set(new Date(first.releaseAt.getTime() - 24 * HOUR));
    await fireAll();
    await deliverAll();
    expect(await notificationsOf(first.id)).toEqual([
      expect.objectContaining({
        kind: 'arrest_release_upcoming',
        status: 'no_safe_channel',
        reason: 'no_safe_contact',
        channel: null,
      }),
    ]);

    // A "safe contact" that is the coded call's own number is refused when recorded (422); one
    // that became a coded call's number after it was recorded (W) is refused when addressing.
    const refused = await http()
      .post(`/api/v1/persons/${personId}/safe-contact`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ channel: 'phone', value: X, consentAt: clock.now().toISOString() });
    expect([refused.status, refused.body.code]).toEqual([422, 'SAFE_CONTACT_IS_CODED_CALL_NUMBER']);
    const W = phone();
    await safeContact(personId, 'phone', W);
    await victimOfCall({ coded: true, callerPhone: W });
    clock.set(first.releaseAt);
    await fireAll();
    await deliverAll();
    expect((await notificationsOf(first.id)).map((n) => [n.kind, n.status, n.reason])).toEqual([
      ['arrest_release_upcoming', 'no_safe_channel', 'no_safe_contact'],
      ['offender_released', 'no_safe_channel', 'coded_call_number'],
    ]);

    // The safe contact Y she agreed to: both release notifications of the next arrest go to Y.
    await safeContact(personId, 'phone', Y);
    const shown = await http()
      .get(`/api/v1/persons/${personId}`)
      .auth(inspector.token, { type: 'bearer' });
    expect(shown.status).toBe(200);
    expect(shown.body.safeContacts.map((c: { value: string }) => c.value)).toEqual([Y, W]);
    const second = await arrest(incidentId, offender, clock.now());
    clock.set(new Date(second.releaseAt.getTime() - 24 * HOUR));
    await fireAll();
    await deliverAll();
    clock.set(second.releaseAt);
    await fireAll();
    await deliverAll();
    const sent = await notificationsOf(second.id);
    expect(sent.map((n) => [n.kind, n.status, n.channel, n.attempts])).toEqual([
      ['arrest_release_upcoming', 'sent', 'sms', 1],
      ['offender_released', 'sent', 'sms', 1],
    ]);

    // What the gateway saw: X (and W) nowhere, in any request of this test (headers or body, with or
    // without the plus); this victim's notifications went to Y, signed, keyed by their id.
    const digitsX = X.slice(1);
    for (const r of gateway.received.slice(before)) {
      expect(JSON.stringify(r.headers)).not.toContain(digitsX);
      expect(r.body).not.toContain(digitsX);
      expect(r.body).not.toContain(W.slice(1));
      expect(r.body).not.toContain('Victim Notifiable');
    }
    for (const n of sent) {
      const bodies = gateway.bodiesFor(n.id);
      expect(bodies).toEqual([
        expect.objectContaining({ notificationId: n.id, kind: n.kind, channel: 'sms', to: Y }),
      ]);
    }
    const mine = gateway.received.filter((r) =>
      sent.some((n) => n.id === r.headers['idempotency-key']),
    );
    expect(mine.every((r) => r.signatureValid && r.path === '/sms')).toBe(true);
  });

  it('retries with back-off, lists the dead for admins with the contact masked, and replays them', async () => {
    clock.set('2029-03-01T05:00:00.000Z');
    // Short retries for this drill: two attempts, 1 s base.
    const posted = await http()
      .post('/api/v1/policies')
      .auth(admin.token, { type: 'bearer' })
      .send({
        kind: 'notifications',
        version: '2029.drill',
        validFrom: '2029-03-01T05:00:30Z',
        values: {
          'notify.maxAttempts': { value: 2, unit: 'attempts', citation: 'Drill: two attempts' },
          'notify.retryBaseSeconds': { value: 1, unit: 's', citation: 'Drill: 1 s back-off' },
        },
      });
    expect(posted.status).toBe(201);
    clock.set('2029-03-01T05:01:00.000Z');
    const Z = phone();
    const { incidentId, personId } = await victimOfCall({ coded: false, callerPhone: phone() });
    await safeContact(personId, 'phone', Z);
    const order = await http()
      .post('/api/v1/protective-orders')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId,
        offender: { iin: iin('860606'), fullName: 'Offender Dead' },
        victim: { iin: (await personIin(personId)) ?? undefined, fullName: 'Victim Notifiable' },
        issuedAt: clock.now().toISOString(),
        prohibitions: ['no contact'],
        victimOpinion: 'agrees',
      });
    expect([order.status, order.body]).toEqual([201, expect.anything()]);

    gateway.respond = (r) => (r.body.includes(Z) ? 503 : 200);
    const served = await http()
      .post(`/api/v1/protective-orders/${order.body.id}/serve`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ servedAt: clock.now().toISOString() });
    expect(served.status).toBe(200);
    const [n] = await notificationsOf(order.body.id);
    expect(n).toMatchObject({ kind: 'order_served', status: 'pending', channel: 'sms' });

    // Attempt 1 fails; the retry waits its back-off (1–2 s), fails too; then the dead letter.
    const deadline = Date.now() + 20_000;
    while ((await notificationsOf(order.body.id))[0].status !== 'dead') {
      if (Date.now() > deadline) throw new Error('notification never went to the dead-letter list');
      await app.get(NotificationWorker).runOnce(20);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect((await notificationsOf(order.body.id))[0].attempts).toBe(2);
    expect(gateway.bodiesFor(n.id)).toHaveLength(2);
    expect(gateway.effects.has(n.id)).toBe(false);

    const list = await http()
      .get('/api/v1/notifications')
      .query({ status: 'dead' })
      .auth(admin.token, { type: 'bearer' });
    expect(list.status).toBe(200);
    const dead = (list.body as Array<{ id: string; payload: { to: string } }>).find(
      (d) => d.id === n.id,
    );
    expect(dead).toMatchObject({ status: 'dead', attempts: 2, lastError: 'HTTP 503' });
    expect(dead!.payload.to).not.toBe(Z);
    expect(dead!.payload.to).toBe(`${Z.slice(0, 5)}*****${Z.slice(-2)}`);
    expect(JSON.stringify(list.body)).not.toContain(Z.slice(1));
    expect(
      (await http().get('/api/v1/notifications').auth(inspector.token, { type: 'bearer' })).status,
    ).toBe(403);

    gateway.respond = () => 200;
    const replay = await http()
      .post(`/api/v1/notifications/${n.id}/replay`)
      .auth(admin.token, { type: 'bearer' });
    expect([replay.status, replay.body.status, replay.body.replays]).toEqual([200, 'pending', 1]);
    await deliverAll();
    expect((await notificationsOf(order.body.id))[0]).toMatchObject({
      status: 'sent',
      attempts: 3,
    });
    expect(gateway.effects.get(n.id)).toBe(1);
    expect(gateway.bodiesFor(n.id).every((b) => b.to === Z)).toBe(true);
    const again = await http()
      .post(`/api/v1/notifications/${n.id}/replay`)
      .auth(admin.token, { type: 'bearer' });
    expect([again.status, again.body.code]).toEqual([409, 'NOTIFICATION_NOT_REPLAYABLE']);
    const unknown = await http()
      .post(`/api/v1/notifications/7f1c2b0e-0000-4000-8000-000000000000/replay`)
      .auth(admin.token, { type: 'bearer' });
    expect(unknown.status).toBe(404);

    const audit = (await app
      .get(DataSource)
      .query(
        `SELECT action, target_id FROM audit_log WHERE actor_id = $1 AND action LIKE 'notification.%' ORDER BY id`,
        [admin.id],
      )) as Array<{ action: string; target_id: string | null }>;
    expect(audit).toEqual([
      { action: 'notification.list', target_id: null },
      { action: 'notification.replay', target_id: n.id },
    ]);
  });

  it('records not_configured when no webhook is set, and sends to a crisis centre when that is her channel', async () => {
    clock.set('2029-04-01T05:00:00.000Z');
    const { incidentId, personId } = await victimOfCall({ coded: false, callerPhone: phone() });
    await safeContact(personId, 'crisis_centre', 'Crisis centre Astana, case 41');
    const issue = async () => {
      const res = await http()
        .post('/api/v1/protective-orders')
        .auth(inspector.token, { type: 'bearer' })
        .send({
          incidentId,
          offender: { iin: iin('870707'), fullName: 'Offender Centre' },
          victim: { iin: (await personIin(personId)) ?? undefined, fullName: 'Victim Notifiable' },
          issuedAt: clock.now().toISOString(),
          prohibitions: ['no contact'],
          victimOpinion: 'agrees',
        });
      expect(res.status).toBe(201);
      await http()
        .post(`/api/v1/protective-orders/${res.body.id}/serve`)
        .auth(inspector.token, { type: 'bearer' })
        .send({ servedAt: clock.now().toISOString() });
      return res.body.id as string;
    };
    const orderId = await issue();
    await deliverAll();
    const [n] = await notificationsOf(orderId);
    expect(n).toMatchObject({ status: 'sent', channel: 'crisis_centre' });
    expect(gateway.bodiesFor(n.id)).toEqual([
      expect.objectContaining({
        channel: 'crisis_centre',
        centre: 'Crisis centre Astana, case 41',
      }),
    ]);
    expect(gateway.received.find((r) => r.headers['idempotency-key'] === n.id)?.path).toBe(
      '/crisis',
    );

    // An instance without webhook settings records what it could not send, never drops it.
    const bare = await createTestApp({ clock });
    try {
      const second = await issue();
      const worker = bare.get(NotificationWorker);
      while ((await worker.runOnce(20)) > 0);
      expect((await notificationsOf(second))[0]).toMatchObject({
        status: 'not_configured',
        reason: 'NOTIFY_CRISIS_WEBHOOK_URL not set',
      });
      expect(gateway.bodiesFor((await notificationsOf(second))[0].id)).toEqual([]);
    } finally {
      await bare.close();
    }
  });

  async function personIin(personId: string): Promise<string | null> {
    const [row] = (await app
      .get(DataSource)
      .query(`SELECT iin FROM persons WHERE id = $1`, [personId])) as Array<{ iin: string | null }>;
    return row?.iin ?? null;
  }
});
