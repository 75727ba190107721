import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

describe('POST /policies: a new version of the law from a date', () => {
  // Far in the future, so that versions this spec adds never govern other specs' dates.
  const clock = new FakeClock('2031-01-10T05:00:00.000Z');
  let app: NestFastifyApplication;
  let admin: User;
  let inspector: User;
  let dispatcher: User;
  let yesil: string;
  const http = () => request(app.getHttpServer());
  const post = (body: Record<string, unknown>, user: User = admin) =>
    http().post('/api/v1/policies').auth(user.token, { type: 'bearer' }).send(body);

  beforeAll(async () => {
    app = await createTestApp({ clock });
    [yesil] = await districtIds(app, 'AST-YESIL');
    admin = await userWithToken(app, 'admin');
    inspector = await userWithToken(app, 'inspector');
    dispatcher = await userWithToken(app, 'dispatcher');
  });
  afterAll(async () => {
    await app.close();
  });

  it('adds a version whose unnamed values carry over, and decisions after its date use it', async () => {
    const res = await post({
      kind: 'enforcement',
      version: '2031.test',
      validFrom: '2031-02-01T00:00:00+05:00',
      values: {
        'arrest.maxDays': {
          value: 10,
          unit: 'd',
          citation: 'Seed 003: detention up to 10 days',
          confidence: 'L',
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body.values['arrest.maxDays']).toEqual({
      value: 10,
      unit: 'd',
      citation: 'Seed 003: detention up to 10 days',
      confidence: 'L',
    });
    expect(res.body.values['protectiveOrder.termDays'].value).toBe(30);
    expect(res.body.carriedOver).toContain('protectiveOrder.termDays');
    expect(res.body.carriedOver).not.toContain('arrest.maxDays');

    const list = await http().get('/api/v1/policies').auth(inspector.token, { type: 'bearer' });
    const kinds = (
      list.body as Array<{ kind: string; version: string; validTo: string | null }>
    ).filter((s) => s.kind === 'enforcement');
    expect(kinds.map((s) => s.version)).toEqual(['2020.1', '2026.1', '2031.test']);
    expect(kinds[1].validTo).toBe('2031-01-31T19:00:00.000Z');

    // An arrest starting after the new date is judged by it; one before, by the old maximum.
    const call = await http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: '+77015550999', districtId: yesil, address: 'ул. Новая 1' });
    let iin = '';
    for (let s = 0; !iin; s++) {
      const first11 = `8203033${String(4000 + s).padStart(4, '0')}`;
      const d = iinCheckDigit(first11);
      if (d !== null) iin = `${first11}${d}`;
    }
    const arrest = (startsAt: string, days: number) =>
      http().post('/api/v1/arrests').auth(inspector.token, { type: 'bearer' }).send({
        incidentId: call.body.incidentId,
        offenderIin: iin,
        courtDecisionRef: 'X-1',
        days,
        startsAt,
      });
    expect((await arrest('2031-01-10T04:00:00Z', 12)).status).toBe(201);
    clock.set('2031-02-02T05:00:00.000Z');
    const refused = await arrest('2031-02-02T04:00:00Z', 12);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('DURATION_EXCEEDS_MAXIMUM');
    const ok = await arrest('2031-02-02T04:00:00Z', 10);
    expect(ok.body.ruleSet.version).toBe('2031.test');
  });

  it('refuses a value without a citation, naming the field, and writes nothing', async () => {
    const res = await post({
      kind: 'enforcement',
      version: '2032.nocite',
      validFrom: '2032-01-01T00:00:00+05:00',
      values: { 'arrest.maxDays': { value: 7 } },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      expect.objectContaining({
        field: 'values.arrest.maxDays.citation',
        code: 'CITATION_REQUIRED',
      }),
    ]);
    const [row] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM rule_sets WHERE version = '2032.nocite'`);
    expect(row.n).toBe(0);
  });

  it('refuses a retroactive version, one before the latest, an unknown kind, a taken version and non-admins', async () => {
    const values = { 'arrest.maxDays': { value: 9, citation: 'A test citation' } };
    const past = await post({
      kind: 'enforcement',
      version: 'past',
      validFrom: '2030-01-01T00:00:00Z',
      values,
    });
    expect([past.status, past.body.code]).toEqual([422, 'VALID_FROM_IN_PAST']);
    const unknown = await post({
      kind: 'astrology',
      version: '1',
      validFrom: '2032-05-01T00:00:00Z',
      values,
    });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'UNKNOWN_KIND']);
    expect(
      (
        await post({
          kind: 'enforcement',
          version: '2035.1',
          validFrom: '2032-05-01T00:00:00Z',
          values,
        })
      ).status,
    ).toBe(201);
    const before = await post({
      kind: 'enforcement',
      version: '2034.1',
      validFrom: '2032-03-01T00:00:00Z',
      values,
    });
    expect([before.status, before.body.code]).toEqual([422, 'VALID_FROM_NOT_AFTER_LATEST']);
    const taken = await post({
      kind: 'enforcement',
      version: '2035.1',
      validFrom: '2032-08-01T00:00:00Z',
      values,
    });
    expect([taken.status, taken.body.code]).toEqual([409, 'VERSION_EXISTS']);
    expect(
      (
        await post(
          { kind: 'enforcement', version: 'x', validFrom: '2032-09-01T00:00:00Z', values },
          inspector,
        )
      ).status,
    ).toBe(403);
  });

  it('refuses values that would break live decisions, and a start date years away', async () => {
    const attempt = (values: Record<string, unknown>, validFrom = '2032-12-01T00:00:00Z') =>
      post({ kind: 'enforcement', version: `bad-${Math.random()}`, validFrom, values });
    const cite = 'A test citation';
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [
        { 'arrest.maxDays': { value: 'abc', citation: cite } },
        'values.arrest.maxDays',
        'RULE_TYPE_CHANGED',
      ],
      [
        { 'protectiveOrder.minOffenderAgeYears': { value: -5, citation: cite } },
        'values.protectiveOrder.minOffenderAgeYears',
        'RULE_VALUE_NEGATIVE',
      ],
      [
        { 'arrest.maxDays': { value: 1e300, citation: cite } },
        'values.arrest.maxDays',
        'RULE_VALUE_NOT_INTEGER',
      ],
      [
        { 'specialRequirements.minMonths': { value: 20, citation: cite } },
        'values.specialRequirements.minMonths',
        'RULE_RANGE_INVERTED',
      ],
      [{ 'alert.bogus': { value: 1, citation: cite } }, 'values.alert.bogus', 'UNKNOWN_RULE_KEY'],
      [
        { 'protectiveOrder.termStartsAt': { value: 'whenever you like', citation: cite } },
        'values.protectiveOrder.termStartsAt',
        'RULE_TYPE_CHANGED',
      ],
    ];
    for (const [values, field, code] of cases) {
      const res = await attempt(values);
      expect([res.status, res.body.details?.[0]]).toEqual([
        422,
        expect.objectContaining({ field, code }),
      ]);
    }
    const far = await attempt(
      { 'arrest.maxDays': { value: 9, citation: cite } },
      '2199-01-01T00:00:00Z',
    );
    expect([far.status, far.body.code]).toEqual([422, 'VALID_FROM_TOO_FAR']);
    const [row] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM rule_sets WHERE version LIKE 'bad-%'`);
    expect(row.n).toBe(0);
  });
});
