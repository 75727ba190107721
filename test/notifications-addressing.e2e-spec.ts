import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { NotificationWorker } from '../src/modules/notifications/application/notification-worker';
import { FakeGateway } from './support/fake-gateway';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

const SECRET = 'notify-webhook-test-secret-of-32-chars-or-more';
const MINUTE = 60_000;

let serial = 5000 + (Date.now() % 4000);
function iin(yymmdd: string): string {
  for (;;) {
    const first11 = `${yymmdd}4${String(serial++ % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}
/** A Kazakh mobile number unique to this run (+7702…, apart from notifications.e2e's +7701…). */
let phoneSeq = Date.now() % 100_000;
const phone = () => `+7702${String(5_000_000 + (phoneSeq++ % 1_000_000)).padStart(7, '0')}`;
/** The same number as a person may write it: "8 (702) 512-34-56". */
const spelled8 = (e164: string) =>
  `8 (${e164.slice(2, 5)}) ${e164.slice(5, 8)}-${e164.slice(8, 10)}-${e164.slice(10)}`;

/**
 * Where a notification goes is decided at every delivery attempt and replay, not once when it is
 * made: a number that has since become a coded call's (the abuser may hold it) is never sent to,
 * and a newer safe contact wins. And the safe-contact command refuses such numbers and
 * non-victims.
 */
describe('notifications are addressed at delivery; safe contacts are checked when recorded', () => {
  // Its own stretch of 2029 (notifications.e2e uses February to April).
  const clock = new FakeClock('2029-06-01T05:00:00.000Z');
  const gateway = new FakeGateway(SECRET);
  let app: NestFastifyApplication;
  /** An instance without webhook settings (closing it before the end disconnects `app` too). */
  let bare: NestFastifyApplication;
  let dispatcher: User;
  let inspector: User;
  let admin: User;
  let yesil: string;
  const http = () => request(app.getHttpServer());
  const db = () => app.get(DataSource);

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
    bare = await createTestApp({ clock });
    [yesil] = await districtIds(app, 'AST-YESIL');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    inspector = await userWithToken(app, 'inspector', ['AST-YESIL']);
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
  });
  afterAll(async () => {
    await bare.close();
    await app.close();
    await gateway.stop();
  });

  async function deliverAll(on = app): Promise<void> {
    const worker = on.get(NotificationWorker);
    while ((await worker.runOnce(20)) > 0);
  }
  const notificationOf = async (subjectId: string) => {
    const rows = (await db().query(
      `SELECT n.id, n.status, n.reason, n.channel, n.attempts, n.payload, sc.value AS contact
       FROM notifications n LEFT JOIN safe_contacts sc ON sc.id = n.safe_contact_id
       WHERE n.subject_id = $1`,
      [subjectId],
    )) as Array<{
      id: string;
      status: string;
      reason: string | null;
      channel: string | null;
      attempts: number;
      payload: { to?: string } | null;
      contact: string | null;
    }>;
    expect(rows).toHaveLength(1);
    return rows[0];
  };

  const recordSafeContact = (personId: string, channel: string, value: string) =>
    http()
      .post(`/api/v1/persons/${personId}/safe-contact`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ channel, value, consentAt: clock.now().toISOString() });
  async function safeContact(personId: string, value: string): Promise<void> {
    const res = await recordSafeContact(personId, 'phone', value);
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
    // Each newer than the last: "newest" is by the time it was recorded.
    clock.advance(MINUTE);
  }

  /** A call (coded or not) from `callerPhone`, with a victim and an offender on its incident. */
  async function call(opts: { coded: boolean; callerPhone: string }) {
    const victimIin = iin('920303');
    const offenderIin = iin('820202');
    const res = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        districtId: yesil,
        address: `ул. Адресов ${Date.now() % 1e6}`,
        coded: opts.coded,
        callerPhone: opts.callerPhone,
        victim: { iin: victimIin, fullName: 'Victim Addressed' },
        offender: { iin: offenderIin, fullName: 'Offender Addressed' },
      });
    expect([res.status, res.body]).toEqual([201, expect.anything()]);
    const personId = async (personIin: string) => {
      const p = await http()
        .get('/api/v1/persons')
        .query({ iin: personIin })
        .auth(inspector.token, { type: 'bearer' });
      expect(p.status).toBe(200);
      return p.body.id as string;
    };
    return {
      incidentId: res.body.incidentId as string,
      victimIin,
      victimId: await personId(victimIin),
      offenderId: await personId(offenderIin),
    };
  }

  /** Issues and serves a protective order for the victim: its `order_served` is enqueued. */
  async function serveOrder(incidentId: string, victimIin: string): Promise<string> {
    const order = await http()
      .post('/api/v1/protective-orders')
      .auth(inspector.token, { type: 'bearer' })
      .send({
        incidentId,
        offender: { iin: iin('830303'), fullName: 'Offender Addressed' },
        victim: { iin: victimIin, fullName: 'Victim Addressed' },
        issuedAt: clock.now().toISOString(),
        prohibitions: ['no contact'],
        victimOpinion: 'agrees',
      });
    expect([order.status, order.body]).toEqual([201, expect.anything()]);
    const served = await http()
      .post(`/api/v1/protective-orders/${order.body.id}/serve`)
      .auth(inspector.token, { type: 'bearer' })
      .send({ servedAt: clock.now().toISOString() });
    expect(served.status).toBe(200);
    return order.body.id as string;
  }

  /** No request the gateway received since `from` carries the number, in any spelling. */
  function neverSentTo(number: string, from: number): void {
    const digits = number.slice(2); // without +7 or 8
    for (const r of gateway.received.slice(from)) {
      expect(r.body).not.toContain(digits);
      expect(JSON.stringify(r.headers)).not.toContain(digits);
    }
  }

  const replay = (id: string) =>
    http().post(`/api/v1/notifications/${id}/replay`).auth(admin.token, { type: 'bearer' });

  /**
   * Recorded `not_configured` to safe contact X by an instance without webhooks; then a coded call
   * comes from X. Returns the notification and the victim.
   */
  async function notConfiguredThenCoded(X: string) {
    const { incidentId, victimIin, victimId } = await call({ coded: false, callerPhone: phone() });
    await safeContact(victimId, X);
    const orderId = await serveOrder(incidentId, victimIin);
    await deliverAll(bare);
    const n = await notificationOf(orderId);
    expect(n).toMatchObject({ status: 'not_configured', channel: 'sms', payload: { to: X } });
    // The coded call from X, its number written another way (the intake normalises it).
    await call({ coded: true, callerPhone: spelled8(X) });
    return { n, orderId, victimId };
  }

  it('replays a not_configured notification to her newest safe contact, never to a number that became a coded call’s', async () => {
    const before = gateway.received.length;
    const X = phone();
    const { n, orderId, victimId } = await notConfiguredThenCoded(X);
    const Y1 = phone();
    const Y2 = phone();
    await safeContact(victimId, Y1);
    await safeContact(victimId, Y2);

    const replayed = await replay(n.id);
    await deliverAll();
    // The gateway never saw X (the old code sent the order_served text there), and saw Y2 only.
    neverSentTo(X, before);
    expect(gateway.bodiesFor(n.id)).toEqual([
      expect.objectContaining({
        notificationId: n.id,
        kind: 'order_served',
        channel: 'sms',
        to: Y2,
      }),
    ]);
    expect([replayed.status, replayed.body.status, replayed.body.payload?.to]).toEqual([
      200,
      'pending',
      `${Y2.slice(0, 5)}*****${Y2.slice(-2)}`,
    ]);
    // What it was sent to is what the record says.
    expect(await notificationOf(orderId)).toMatchObject({
      status: 'sent',
      channel: 'sms',
      attempts: 1,
      payload: { to: Y2 },
      contact: Y2,
    });
  });

  it('a replay with no usable contact left is no_safe_channel and sends nothing', async () => {
    const before = gateway.received.length;
    const X = phone();
    const { n, orderId } = await notConfiguredThenCoded(X);
    // Her newest (and only) contact is now a coded call's number.
    const replayed = await replay(n.id);
    expect([replayed.status, replayed.body.status, replayed.body.reason]).toEqual([
      200,
      'no_safe_channel',
      'coded_call_number',
    ]);
    expect(JSON.stringify(replayed.body)).not.toContain(X.slice(2));
    await deliverAll();
    expect(gateway.bodiesFor(n.id)).toEqual([]);
    neverSentTo(X, before);
    expect(await notificationOf(orderId)).toMatchObject({
      status: 'no_safe_channel',
      reason: 'coded_call_number',
      attempts: 0,
    });
    const [audit] = (await db().query(
      `SELECT details FROM audit_log WHERE action = 'notification.replay' AND target_id = $1`,
      [n.id],
    )) as Array<{ details: Record<string, unknown> }>;
    expect(audit.details).toMatchObject({ from: 'not_configured', to: 'no_safe_channel' });
  });

  it('a notification in back-off whose number becomes a coded call’s is not sent on its retry, and not retried again', async () => {
    const Z = phone();
    const { incidentId, victimIin, victimId } = await call({ coded: false, callerPhone: phone() });
    await safeContact(victimId, Z);
    gateway.respond = () => 503;
    try {
      const orderId = await serveOrder(incidentId, victimIin);
      const n = await notificationOf(orderId);
      expect(n).toMatchObject({ status: 'pending', channel: 'sms' });
      // Attempt 1 fails: the job waits its back-off.
      await app.get(NotificationWorker).runOnce(20);
      expect(await notificationOf(orderId)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(gateway.bodiesFor(n.id)).toEqual([expect.objectContaining({ to: Z })]);
      const afterFirst = gateway.received.length;

      // Meanwhile a coded call comes from Z, written with spaces.
      await call({
        coded: true,
        callerPhone: `+7 ${Z.slice(2, 5)} ${Z.slice(5, 8)} ${Z.slice(8)}`,
      });

      // The job is in back-off; its retry is made due now (the queue's clock, not the rule set's
      // seconds: no rule set version is posted here, so other specs keep theirs).
      const due = (await db().query(
        `UPDATE pgboss.job SET start_after = now() WHERE id = $1 AND state = 'retry' RETURNING id`,
        [n.id],
      )) as unknown[][];
      expect(due[0]).toHaveLength(1);
      // The retry finds Z unusable: nothing is sent, the job completes.
      await deliverAll();
      expect(await notificationOf(orderId)).toMatchObject({
        status: 'no_safe_channel',
        reason: 'coded_call_number',
        attempts: 1,
      });
      neverSentTo(Z, afterFirst);
      const [job] = (await db().query(`SELECT state FROM pgboss.job WHERE id = $1`, [
        n.id,
      ])) as Array<{ state: string }>;
      expect(job.state).toBe('completed');
      // No further retry is left waiting: still nothing sent, still not dead.
      expect(
        (await db().query(
          `SELECT count(*)::int AS n FROM pgboss.job WHERE data->>'notificationId' = $1 AND state <> 'completed'`,
          [n.id],
        )) as Array<{ n: number }>,
      ).toEqual([{ n: 0 }]);
      await deliverAll();
      expect(gateway.received.length).toBe(afterFirst);
      expect((await notificationOf(orderId)).status).toBe('no_safe_channel');
    } finally {
      gateway.respond = () => 200;
    }
  });

  describe('POST /persons/{id}/safe-contact', () => {
    it('refuses the number of a coded call in any spelling and channel, without echoing it', async () => {
      const N = phone();
      await call({ coded: true, callerPhone: N });
      const { victimId } = await call({ coded: false, callerPhone: phone() });
      const local = N.slice(2);
      const attempts: Array<[string, string]> = [
        ['phone', N],
        ['phone', `+7 ${local.slice(0, 3)} ${local.slice(3, 6)} ${local.slice(6)}`],
        ['phone', spelled8(N)],
        ['phone', `8-${local.slice(0, 3)}-${local.slice(3, 6)}-${local.slice(6)}`],
        ['trusted_person', `8${local}`],
        ['crisis_centre', N],
        ['crisis_centre', `Кризисный центр, тел. ${spelled8(N)}`],
      ];
      for (const [channel, value] of attempts) {
        const res = await recordSafeContact(victimId, channel, value);
        expect([channel, value, res.status, res.body.code, res.body.details]).toEqual([
          channel,
          value,
          422,
          'SAFE_CONTACT_IS_CODED_CALL_NUMBER',
          [expect.objectContaining({ field: 'value', code: 'SAFE_CONTACT_IS_CODED_CALL_NUMBER' })],
        ]);
        expect(JSON.stringify(res.body)).not.toContain(local.slice(3));
      }
      const rows = (await db().query(
        `SELECT count(*)::int AS n FROM safe_contacts WHERE person_id = $1`,
        [victimId],
      )) as Array<{ n: number }>;
      expect(rows[0].n).toBe(0);

      // Another number, and a non-coded call's number, are hers to choose.
      const M = phone();
      await call({ coded: false, callerPhone: M });
      expect((await recordSafeContact(victimId, 'phone', spelled8(M))).status).toBe(201);
      expect(
        (await recordSafeContact(victimId, 'crisis_centre', 'Кризисный центр Астаны')).status,
      ).toBe(201);
    });

    it('refuses a person who is not a victim of an incident in scope (the offender’s record)', async () => {
      const { offenderId, victimId } = await call({ coded: false, callerPhone: phone() });
      const res = await recordSafeContact(offenderId, 'phone', phone());
      expect([res.status, res.body.code, res.body.details?.[0]?.field]).toEqual([
        422,
        'NOT_A_VICTIM',
        'personId',
      ]);
      const rows = (await db().query(
        `SELECT count(*)::int AS n FROM safe_contacts WHERE person_id = $1`,
        [offenderId],
      )) as Array<{ n: number }>;
      expect(rows[0].n).toBe(0);
      expect((await recordSafeContact(victimId, 'phone', phone())).status).toBe(201);
    });
  });
});
