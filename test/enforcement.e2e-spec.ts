import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

let serial = 1000 + (Date.now() % 5000);
/** A valid IIN for a person born on `yymmdd` (century digit 3: 1900s, 5: 2000s), unique per call. */
function iin(yymmdd: string, centuryDigit = 3): string {
  for (;;) {
    const first11 = `${yymmdd}${centuryDigit}${String(serial++ % 10000).padStart(4, '0')}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}

describe('enforcement under effective-dated law', () => {
  const clock = new FakeClock('2026-02-20T05:00:00.000Z');
  let app: NestFastifyApplication;
  let dispatcher: User;
  let inspector: User;
  let almatyInspector: User;
  let prosecutor: User;
  let yesil: string;
  const http = () => request(app.getHttpServer());
  let seq = 0;

  beforeAll(async () => {
    app = await createTestApp({ clock });
    [yesil] = await districtIds(app, 'AST-YESIL');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    inspector = await userWithToken(app, 'inspector', ['AST-YESIL']);
    almatyInspector = await userWithToken(app, 'inspector', ['ALA-ALMALY']);
    prosecutor = await userWithToken(app, 'prosecutor', ['AST-YESIL', 'ALA-ALMALY']);
  });
  afterAll(async () => {
    await app.close();
  });

  async function incident(): Promise<string> {
    seq += 1;
    const res = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({
        callerPhone: `+7701555${String(seq).padStart(4, '0')}`,
        districtId: yesil,
        address: `ул. Правовая ${seq}-${Date.now() % 100000}`,
      });
    expect(res.status).toBe(201);
    return res.body.incidentId as string;
  }

  const post = (path: string, body: Record<string, unknown>, user: User = inspector) =>
    http().post(`/api/v1${path}`).auth(user.token, { type: 'bearer' }).send(body);

  const orderBody = (
    incidentId: string,
    offenderIin: string,
    extra: Record<string, unknown> = {},
  ) => ({
    incidentId,
    offender: { iin: offenderIin, fullName: 'Offender Testov' },
    victim: { fullName: `Victim ${seq}` },
    issuedAt: clock.now().toISOString(),
    prohibitions: ['no contact with the victim'],
    victimOpinion: 'wants him kept away',
    ...extra,
  });

  describe('protective orders', () => {
    it('decides an order before 2 March 2026 under the old law, and one after under Law 245-VIII', async () => {
      clock.set('2026-02-20T05:00:00.000Z');
      const before = await post('/protective-orders', orderBody(await incident(), iin('800101')));
      expect(before.status).toBe(201);
      expect(before.body).toMatchObject({
        status: 'issued',
        expiresAt: null,
        nextCheckDueAt: null,
      });
      expect(before.body.ruleSet).toMatchObject({ version: '2020.1' });

      clock.set('2026-03-05T05:00:00.000Z');
      const after = await post('/protective-orders', orderBody(await incident(), iin('800102')));
      expect(after.status).toBe(201);
      expect(after.body.ruleSet).toMatchObject({
        version: '2026.1',
        validFrom: '2026-03-01T19:00:00.000Z',
      });

      // Served later, the old order keeps the rule set it was issued under.
      const served = await post(`/protective-orders/${before.body.id}/serve`, {
        servedAt: '2026-03-05T04:00:00.000Z',
        backdateReason: 'served on paper, entered late',
      });
      expect(served.status).toBe(200);
      expect(served.body.ruleSet.version).toBe('2020.1');
    });

    it('accepts an order issued in the same second as its call, as consoles send whole seconds', async () => {
      clock.set('2026-03-20T05:00:00.456Z');
      const inc = await incident();
      const res = await post(
        '/protective-orders',
        orderBody(inc, iin('800125'), { issuedAt: '2026-03-20T05:00:00Z' }),
      );
      expect([res.status, res.body.code]).toEqual([201, undefined]);
      const early = await post(
        '/protective-orders',
        orderBody(await incident(), iin('800126'), { issuedAt: '2026-03-20T04:50:00Z' }),
      );
      expect([early.status, early.body.code]).toEqual([400, 'BEFORE_INCIDENT']);
    });

    it('runs the term from delivery, in local calendar days across the month end', async () => {
      clock.set('2026-03-31T10:00:00.000Z'); // 15:00 local on 31 March
      const order = await post('/protective-orders', orderBody(await incident(), iin('800103')));
      expect(order.status).toBe(201);
      const served = await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: '2026-03-31T10:00:00.000Z',
      });
      expect(served.status).toBe(200);
      // Days 1 April … 30 April; the order ends at 24:00 local on 30 April.
      expect(served.body).toMatchObject({
        status: 'served',
        servedAt: '2026-03-31T10:00:00.000Z',
        expiresAt: '2026-04-30T19:00:00.000Z',
        nextCheckDueAt: '2026-04-07T19:00:00.000Z',
      });

      const checks = await http()
        .get('/api/v1/check-ins')
        .query({ due: '2026-05-01T00:00:00Z' })
        .auth(inspector.token, { type: 'bearer' });
      const mine = (
        checks.body as Array<{ subject: { id: string; type: string }; dueAt: string }>
      ).filter((c) => c.subject.id === order.body.id && c.subject.type === 'protective_order');
      expect(mine.map((c) => c.dueAt)).toEqual([
        '2026-04-07T19:00:00.000Z',
        '2026-04-14T19:00:00.000Z',
        '2026-04-21T19:00:00.000Z',
        '2026-04-28T19:00:00.000Z',
        '2026-04-30T19:00:00.000Z',
      ]);

      // After its end it shows as expired, and can no longer be revoked.
      clock.set('2026-04-30T19:00:00.000Z');
      const later = await http()
        .get(`/api/v1/protective-orders/${order.body.id}`)
        .auth(prosecutor.token, { type: 'bearer' });
      expect(later.body.status).toBe('expired');
      const revoke = await post(`/protective-orders/${order.body.id}/revoke`, {
        reason: 'too late',
      });
      expect(revoke.status).toBe(409);
    });

    it('refuses a 15-year-old offender by the IIN with 422, and a term beyond the maximum', async () => {
      clock.set('2026-06-01T05:00:00.000Z');
      const young = await post('/protective-orders', orderBody(await incident(), iin('110101', 5)));
      expect(young.status).toBe(422);
      expect(young.body.code).toBe('OFFENDER_UNDER_MIN_AGE');
      expect(JSON.stringify(young.body)).not.toMatch(/\d{12}/);

      const long = await post(
        '/protective-orders',
        orderBody(await incident(), iin('800104'), { termDays: 31 }),
      );
      expect(long.status).toBe(422);
      expect(long.body.code).toBe('DURATION_EXCEEDS_MAXIMUM');
      const rows = await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM protective_orders WHERE term_days = 31`);
      expect(rows[0].n).toBe(0);
    });

    it('answers an order or warning without its people with 400 naming the field, never 500', async () => {
      clock.set('2026-06-01T06:00:00.000Z');
      const inc = await incident();
      const { offender: _o, ...noOffender } = orderBody(inc, iin('800120'));
      const { victim: _v, ...noVictim } = orderBody(inc, iin('800121'));
      for (const [body, field] of [
        [noOffender, 'offender'],
        [noVictim, 'victim'],
        [{ ...orderBody(inc, iin('800122')), victim: [] }, 'victim'],
      ] as const) {
        const res = await post('/protective-orders', body as Record<string, unknown>);
        expect([res.status, res.body.details?.map((d: { field: string }) => d.field)]).toEqual([
          400,
          expect.arrayContaining([field]),
        ]);
      }
      const warning = await post('/warnings', {
        incidentId: inc,
        issuedAt: clock.now().toISOString(),
      });
      expect([warning.status, warning.body.details?.[0]?.field]).toEqual([400, 'offender']);
    });

    it('refuses serving before issuing, serving twice, and a second active order for the same pair', async () => {
      clock.set('2026-06-02T05:00:00.000Z');
      const offender = iin('800105');
      const first = await incident();
      const body = orderBody(first, offender, {
        victim: { fullName: 'Same Victim', iin: iin('850505', 4) },
      });
      const order = await post('/protective-orders', body);
      expect(order.status).toBe(201);
      const early = await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: '2026-06-02T04:00:00.000Z',
      });
      expect(early.status).toBe(422);
      expect(early.body.code).toBe('SERVED_BEFORE_ISSUED');
      expect(
        (
          await post(`/protective-orders/${order.body.id}/serve`, {
            servedAt: clock.now().toISOString(),
          })
        ).status,
      ).toBe(200);
      const twice = await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      expect(twice.status).toBe(409);

      const again = await post('/protective-orders', { ...body, incidentId: await incident() });
      expect(again.status).toBe(422);
      expect(again.body.code).toBe('ORDER_ALREADY_ACTIVE');
    });

    it('links a violation to a later incident and opens a case under КоАП Art. 461', async () => {
      clock.set('2026-07-01T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800106')));
      clock.advance(3 * 86_400_000);
      const later = await incident();
      const v = await post(`/protective-orders/${order.body.id}/violations`, { incidentId: later });
      expect(v.status).toBe(201);
      expect(v.body.violations).toEqual([
        {
          incidentId: later,
          caseArticle: 'КоАП РК Art. 461',
          recordedAt: clock.now().toISOString(),
        },
      ]);
      // Recording it again changes nothing.
      const again = await post(`/protective-orders/${order.body.id}/violations`, {
        incidentId: later,
      });
      expect(again.body.violations).toHaveLength(1);
      const same = await post(`/protective-orders/${order.body.id}/violations`, {
        incidentId: order.body.incidentId,
      });
      expect(same.status).toBe(422);
    });

    it('revoking cancels the pending check-ins and ends the registration', async () => {
      clock.set('2026-08-01T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800107')));
      await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      const revoked = await post(`/protective-orders/${order.body.id}/revoke`, {
        reason: 'court replaced it',
      });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ status: 'revoked', nextCheckDueAt: null });
      const db = app.get(DataSource);
      const [due] = await db.query(
        `SELECT count(*)::int AS n FROM check_ins WHERE subject_id = $1 AND status = 'due'`,
        [order.body.id],
      );
      expect(due.n).toBe(0);
      const [reg] = await db.query(
        `SELECT ended_reason FROM preventive_registrations WHERE source_id = $1`,
        [order.body.id],
      );
      expect(reg.ended_reason).toBe('order revoked');
    });

    it('answers another district as an unknown id, and lets prosecutors read but not write', async () => {
      clock.set('2026-08-02T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800108')));
      const foreign = await post(
        `/protective-orders/${order.body.id}/serve`,
        { servedAt: clock.now().toISOString() },
        almatyInspector,
      );
      const unknown = await post(
        `/protective-orders/00000000-0000-4000-8000-000000000000/serve`,
        { servedAt: clock.now().toISOString() },
        almatyInspector,
      );
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(unknown.body);
      const foreignIssue = await post(
        '/protective-orders',
        orderBody(await incident(), iin('800109')),
        almatyInspector,
      );
      expect(foreignIssue.status).toBe(404);

      expect(
        (await post('/protective-orders', orderBody(await incident(), iin('800110')), prosecutor))
          .status,
      ).toBe(403);
      const list = await http()
        .get('/api/v1/protective-orders')
        .query({ status: 'issued' })
        .auth(prosecutor.token, { type: 'bearer' });
      expect(list.status).toBe(200);
      expect((list.body as Array<{ id: string }>).map((o) => o.id)).toContain(order.body.id);
    });

    it('needs a reason for an order dated back further than the rule set allows', async () => {
      clock.set('2026-09-10T05:00:00.000Z');
      const inc = await incident();
      clock.advance(3 * 86_400_000);
      const body = orderBody(inc, iin('800111'), { issuedAt: '2026-09-10T06:00:00.000Z' });
      const refused = await post('/protective-orders', body);
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('BACKDATE_REASON_REQUIRED');
      const ok = await post('/protective-orders', {
        ...body,
        backdateReason: 'paper order entered late',
      });
      expect(ok.status).toBe(201);
      const [row] = await app
        .get(DataSource)
        .query(`SELECT backdate_reason FROM protective_orders WHERE id = $1`, [ok.body.id]);
      expect(row.backdate_reason).toBe('paper order entered late');
    });
  });

  describe('enforcement feeds the call desk', () => {
    it('flags a later call naming the offender as a possible violation, with arrests in its history', async () => {
      clock.set('2026-10-10T05:00:00.000Z');
      const offender = iin('790909');
      const first = await incident();
      const order = await post('/protective-orders', orderBody(first, offender));
      expect(order.status).toBe(201);
      await post('/arrests', {
        incidentId: first,
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-300',
        days: 2,
        startsAt: clock.now().toISOString(),
      });
      clock.advance(5 * 86_400_000);
      seq += 1;
      const call = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({
          districtId: yesil,
          address: `мкр. Другой ${seq}`,
          offender: { iin: offender, fullName: 'Offender Testov' },
        });
      expect(call.status).toBe(201);
      expect(call.body.possibleViolation).toEqual({ orderId: order.body.id });
      expect(call.body.reasons.join(' ')).toMatch(/order/i);
      const inc = await http()
        .get(`/api/v1/incidents/${call.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(inc.body.history).toMatchObject({ activeProtectiveOrders: 1, priorArrests: 1 });

      // A call about someone else carries no such flag.
      const other = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({
          districtId: yesil,
          address: `мкр. Третий ${seq}`,
          offender: { iin: iin('790910') },
        });
      expect(other.body.possibleViolation).toBeUndefined();

      // Revoked, the order no longer flags calls.
      await post(`/protective-orders/${order.body.id}/revoke`, { reason: 'court replaced it' });
      const after = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address: `мкр. Четвертый ${seq}`, offender: { iin: offender } });
      expect(after.body.possibleViolation).toBeUndefined();
    });
  });

  describe('silent calls', () => {
    it('puts a silent call from the address of an order in force at the top, and an ordinary one not', async () => {
      clock.set('2026-10-15T05:00:00.000Z');
      seq += 1;
      const address = `ул. Охраняемая ${seq}-${Date.now() % 1e5}`;
      const first = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address });
      const order = await post(
        '/protective-orders',
        orderBody(first.body.incidentId, iin('770707')),
      );
      expect(order.status).toBe(201);
      clock.advance(86_400_000);
      const silent = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address, silent: true });
      expect(silent.status).toBe(201);
      expect(silent.body.priority).toBe(1);
      const elsewhere = await http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address: `ул. Обычная ${seq}`, silent: true });
      expect(elsewhere.body.priority).toBeGreaterThan(1);
    });
  });

  describe('a person’s history', () => {
    it('lists incidents, warnings, orders with violations, arrests, requirements, registration and check-ins, in the caller’s districts', async () => {
      clock.set('2026-10-20T05:00:00.000Z');
      const offender = iin('780808');
      const first = await incident();
      await post('/warnings', {
        incidentId: first,
        offender: { iin: offender, fullName: 'History Testov' },
        issuedAt: clock.now().toISOString(),
      });
      clock.advance(86_400_000);
      const order = await post('/protective-orders', orderBody(first, offender));
      await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      clock.advance(86_400_000);
      const later = await incident();
      await post(`/protective-orders/${order.body.id}/violations`, { incidentId: later });
      await post('/arrests', {
        incidentId: later,
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-400',
        days: 3,
        startsAt: clock.now().toISOString(),
      });
      const res = await http()
        .get('/api/v1/persons')
        .query({ iin: offender })
        .auth(inspector.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      const h = res.body.history;
      expect(h.incidents.length).toBeGreaterThanOrEqual(1);
      expect(h.warnings).toHaveLength(1);
      expect(h.protectiveOrders).toEqual([
        expect.objectContaining({
          id: order.body.id,
          role: 'offender',
          status: 'served',
          violations: [
            expect.objectContaining({ incidentId: later, caseArticle: 'КоАП РК Art. 461' }),
          ],
        }),
      ]);
      expect(h.arrests).toEqual([expect.objectContaining({ days: 3 })]);
      expect(h.registration.map((r: { category: string }) => r.category).sort()).toEqual([
        'official_warning',
        'protective_order',
      ]);
      expect(h.checkIns.length).toBeGreaterThan(0);
      const dueTimes = h.checkIns.map((c: { dueAt: string }) => c.dueAt);
      expect([...dueTimes].sort()).toEqual(dueTimes);

      // Another district's inspector learns nothing of it.
      const foreign = await http()
        .get('/api/v1/persons')
        .query({ iin: offender })
        .auth(almatyInspector.token, { type: 'bearer' });
      expect(foreign.status).toBe(404);
    });
  });

  describe('warnings, arrests, special requirements, check-ins', () => {
    it('gives a warning its validity and a repeat mark after an arrest within a year', async () => {
      clock.set('2026-10-01T05:00:00.000Z');
      const offender = iin('750303');
      const inc = await incident();
      const arrest = await post('/arrests', {
        incidentId: inc,
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-101',
        days: 15,
        startsAt: '2026-10-01T04:00:00.000Z',
      });
      expect(arrest.status).toBe(201);
      expect(arrest.body).toMatchObject({
        releaseAt: '2026-10-16T04:00:00.000Z',
        repeatOffender: false,
      });
      const tooLong = await post('/arrests', {
        incidentId: inc,
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-102',
        days: 16,
        startsAt: '2026-10-01T04:00:00.000Z',
      });
      expect(tooLong.status).toBe(422);
      expect(tooLong.body.code).toBe('DURATION_EXCEEDS_MAXIMUM');

      clock.set('2026-11-01T05:00:00.000Z');
      const warning = await post('/warnings', {
        incidentId: await incident(),
        offender: { iin: offender, fullName: 'Repeat Testov' },
        issuedAt: clock.now().toISOString(),
      });
      expect(warning.status).toBe(201);
      expect(warning.body).toMatchObject({
        validUntil: '2026-12-01T19:00:00.000Z',
        repeatOffender: true,
        nextCheckDueAt: '2026-11-16T19:00:00.000Z',
      });
    });

    it('refuses an arrest of a 17-year-old under the rule set', async () => {
      clock.set('2026-10-02T05:00:00.000Z');
      const minor = iin('090101', 5); // 17 on 2 October 2026
      const res = await post('/arrests', {
        incidentId: await incident(),
        offenderIin: minor,
        courtDecisionRef: 'AST-2026-MINOR',
        days: 3,
        startsAt: clock.now().toISOString(),
      });
      expect([res.status, res.body.code]).toEqual([422, 'OFFENDER_UNDER_MIN_AGE']);
    });

    it('keeps special requirements within 3–12 months and 1–4 check-ins a month', async () => {
      clock.set('2026-11-30T05:00:00.000Z');
      const offender = iin('760404');
      await post('/arrests', {
        incidentId: await incident(),
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-200',
        days: 1,
        startsAt: clock.now().toISOString(),
      });
      const base = {
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-201',
        startsAt: clock.now().toISOString(),
        prohibitions: ['no living together'],
      };
      const ok = await post('/special-requirements', { ...base, months: 3, checkInsPerMonth: 2 });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        endsAt: '2027-02-28T19:00:00.000Z',
        nextCheckDueAt: '2026-12-15T19:00:00.000Z',
      });
      expect(
        (await post('/special-requirements', { ...base, months: 13, checkInsPerMonth: 2 })).body
          .code,
      ).toBe('DURATION_OUT_OF_RANGE');
      expect(
        (await post('/special-requirements', { ...base, months: 2, checkInsPerMonth: 2 })).status,
      ).toBe(422);
      expect(
        (await post('/special-requirements', { ...base, months: 6, checkInsPerMonth: 5 })).body
          .code,
      ).toBe('CHECK_INS_OUT_OF_RANGE');
      const [reg] = await app
        .get(DataSource)
        .query(`SELECT category FROM preventive_registrations WHERE source_id = $1`, [ok.body.id]);
      expect(reg.category).toBe('special_requirements');
    });

    it('does not let an inspector probe or use a person known only to another district', async () => {
      clock.set('2026-11-05T05:00:00.000Z');
      const astanaOnly = iin('740404');
      await post('/warnings', {
        incidentId: await incident(),
        offender: { iin: astanaOnly, fullName: 'Elsewhere Testov' },
        issuedAt: clock.now().toISOString(),
      });
      const base = {
        courtDecisionRef: 'ALA-2026-1',
        startsAt: clock.now().toISOString(),
        months: 3,
        checkInsPerMonth: 1,
        prohibitions: ['no contact'],
      };
      const known = await post(
        '/special-requirements',
        { ...base, offenderIin: astanaOnly },
        almatyInspector,
      );
      const unknown = await post(
        '/special-requirements',
        { ...base, offenderIin: iin('740405') },
        almatyInspector,
      );
      expect([known.status, known.body]).toEqual([400, unknown.body]);
    });

    it('gives a paper record entered late check-ins from now on, raising no alerts for the past', async () => {
      clock.set('2026-11-10T05:00:00.000Z');
      const offender = iin('730303');
      await post('/warnings', {
        incidentId: await incident(),
        offender: { iin: offender, fullName: 'Paper Testov' },
        issuedAt: clock.now().toISOString(),
      });
      const res = await post('/special-requirements', {
        offenderIin: offender,
        courtDecisionRef: 'AST-2026-PAPER',
        startsAt: '2026-08-10T05:00:00.000Z',
        backdateReason: 'paper record entered late',
        months: 6,
        checkInsPerMonth: 2,
        prohibitions: ['no contact'],
      });
      expect(res.status).toBe(201);
      expect(new Date(res.body.nextCheckDueAt).getTime()).toBeGreaterThan(clock.now().getTime());
      const [past] = await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM check_ins WHERE subject_id = $1 AND due_at <= $2`, [
          res.body.id,
          clock.now(),
        ]);
      expect(past.n).toBe(0);
    });

    it('refuses a check-in completed before its record existed', async () => {
      clock.set('2026-11-12T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800130')));
      await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      const list = await http().get('/api/v1/check-ins').auth(inspector.token, { type: 'bearer' });
      const check = (
        list.body as Array<{ id: string; subject: { id: string; type: string } }>
      ).find((c) => c.subject.id === order.body.id && c.subject.type === 'protective_order')!;
      const early = await post(`/check-ins/${check.id}/complete`, {
        at: '1950-01-01T00:00:00Z',
        outcome: 'complied',
        backdateReason: 'paper',
      });
      expect([early.status, early.body.code]).toEqual([422, 'BEFORE_RECORD']);
    });

    it('marks an arrest during an earlier, unfinished arrest as a repeat', async () => {
      clock.set('2026-11-14T05:00:00.000Z');
      const offender = iin('720202');
      const inc = await incident();
      const arrest = (startsAt: string) =>
        post('/arrests', {
          incidentId: inc,
          offenderIin: offender,
          courtDecisionRef: 'R',
          days: 10,
          startsAt,
        });
      expect((await arrest(clock.now().toISOString())).body.repeatOffender).toBe(false);
      clock.advance(2 * 86_400_000);
      expect((await arrest(clock.now().toISOString())).body.repeatOffender).toBe(true);
    });

    it('completes a check-in once, in the inspector’s districts only', async () => {
      clock.set('2026-12-01T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800112')));
      await post(`/protective-orders/${order.body.id}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      const list = await http().get('/api/v1/check-ins').auth(inspector.token, { type: 'bearer' });
      const check = (
        list.body as Array<{ id: string; subject: { id: string; type: string } }>
      ).find((c) => c.subject.id === order.body.id && c.subject.type === 'protective_order')!;
      expect(check).toBeDefined();
      const foreign = await post(
        `/check-ins/${check.id}/complete`,
        { at: clock.now().toISOString(), outcome: 'complied' },
        almatyInspector,
      );
      expect(foreign.status).toBe(404);
      const done = await post(`/check-ins/${check.id}/complete`, {
        at: clock.now().toISOString(),
        outcome: 'complied',
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ status: 'completed', outcome: 'complied' });
      expect(
        (
          await post(`/check-ins/${check.id}/complete`, {
            at: clock.now().toISOString(),
            outcome: 'complied',
          })
        ).status,
      ).toBe(409);
      const bad = await post(`/check-ins/${check.id}/complete`, {
        at: clock.now().toISOString(),
        outcome: 'fine',
      });
      expect(bad.status).toBe(400);
    });

    it('reviews the victim’s risk at the VioGén rhythm while the order protects her', async () => {
      clock.set('2026-12-03T05:00:00.000Z');
      const inc = await incident();
      const assessed = await post(
        `/incidents/${inc}/risk-assessment`,
        { answers: { weapon: true, strangulation: true, threatsToKill: true, injuries: true } },
        dispatcher,
      );
      expect(assessed.status).toBe(200);
      const order = await post('/protective-orders', orderBody(inc, iin('800114')));
      const level = assessed.body.riskLevel as 'low' | 'medium' | 'high' | 'extreme';
      const hours = { extreme: 72, high: 168, medium: 720, low: 1440 }[level];
      const expected = new Date(clock.now().getTime() + hours * 3_600_000).toISOString();
      expect(order.body.nextRiskReviewDueAt).toBe(expected);

      const list = await http().get('/api/v1/check-ins').auth(inspector.token, { type: 'bearer' });
      const review = (
        list.body as Array<{ id: string; subject: { id: string; type: string } }>
      ).find((c) => c.subject.id === order.body.id && c.subject.type === 'risk_review')!;
      clock.advance(hours * 3_600_000);
      const done = await post(`/check-ins/${review.id}/complete`, {
        at: clock.now().toISOString(),
        outcome: 'complied',
      });
      expect(done.status).toBe(200);
      const after = await http()
        .get(`/api/v1/protective-orders/${order.body.id}`)
        .auth(inspector.token, { type: 'bearer' });
      expect(after.body.nextRiskReviewDueAt).toBe(
        new Date(clock.now().getTime() + hours * 3_600_000).toISOString(),
      );
    });

    it('records a safe contact for a person of the inspector’s incidents, never echoing it', async () => {
      clock.set('2026-12-02T05:00:00.000Z');
      const order = await post('/protective-orders', orderBody(await incident(), iin('800113')));
      const [victim] = await app
        .get(DataSource)
        .query(`SELECT victim_person_id AS id FROM protective_orders WHERE id = $1`, [
          order.body.id,
        ]);
      const res = await post(`/persons/${victim.id}/safe-contact`, {
        channel: 'phone',
        value: '+7 701 222 3344',
        consentAt: clock.now().toISOString(),
      });
      expect(res.status).toBe(201);
      expect(JSON.stringify(res.body)).not.toContain('222');
      const [row] = await app
        .get(DataSource)
        .query(`SELECT value FROM safe_contacts WHERE id = $1`, [res.body.id]);
      expect(row.value).toBe('+77012223344');
      const foreign = await post(
        `/persons/${victim.id}/safe-contact`,
        { channel: 'phone', value: '+7 701 222 3344', consentAt: clock.now().toISOString() },
        almatyInspector,
      );
      expect(foreign.status).toBe(404);
    });
  });
});
