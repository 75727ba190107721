import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { signBody } from '../src/modules/intake/domain/report-signature';
import { createTestApp, districtIds, TEST_QAMQOR_SECRET, userWithToken } from './support/test-app';

describe('intake: signed qamqor.gov.kz reports', () => {
  let app: NestFastifyApplication;
  let yesil: string;
  let supervisor: Awaited<ReturnType<typeof userWithToken>>;
  const http = () => request(app.getHttpServer());
  const nowSeconds = () => String(Math.floor(Date.now() / 1000));

  beforeAll(async () => {
    app = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    [yesil] = await districtIds(app, 'AST-YESIL');
    supervisor = await userWithToken(app, 'supervisor', ['AST-YESIL']);
  });
  afterAll(async () => {
    await app.close();
  });

  const report = (overrides: Record<string, unknown> = {}) => ({
    reportId: `QMR-${randomUUID()}`,
    submittedAt: new Date(Date.now() - 60_000).toISOString(),
    districtId: yesil,
    address: 'г. Астана, ул. Кенесары 40, кв. 12',
    text: 'Муж избивает меня, дети дома. Прошу помощи.',
    applicant: { iin: '791028302728', fullName: 'Тестова Айгуль', phone: '+7 701 555 00 11' },
    offender: { fullName: 'Тестов Ерлан' },
    ...overrides,
  });

  function send(
    path: string,
    raw: string,
    opts: { ts?: string; secret?: string; ip?: string; type?: string; signature?: string } = {},
  ) {
    const ts = opts.ts ?? nowSeconds();
    return http()
      .post(path)
      .set('content-type', opts.type ?? 'application/json')
      .set('x-forwarded-for', opts.ip ?? '10.20.0.1')
      .set('x-timestamp', ts)
      .set('x-signature', opts.signature ?? signBody(opts.secret ?? TEST_QAMQOR_SECRET, ts, raw))
      .send(raw);
  }
  const sendOne = (body: unknown, opts = {}) =>
    send('/api/v1/intake/qamqor', JSON.stringify(body), opts);

  async function rowsFor(reportId: string) {
    const [row] = await app.get(DataSource).query(
      `SELECT count(*)::int AS reports, count(DISTINCT incident_id)::int AS incidents,
                (SELECT count(*)::int FROM incidents i JOIN intake_reports r ON r.incident_id = i.id WHERE r.report_id = $1) AS incident_rows
         FROM intake_reports WHERE report_id = $1`,
      [reportId],
    );
    return row;
  }

  it('makes one incident from a signed report, with source qamqor and its people linked', async () => {
    const body = report();
    const res = await sendOne(body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ incidentId: expect.any(String) });
    const incident = await http()
      .get(`/api/v1/incidents/${res.body.incidentId}`)
      .auth(supervisor.token, { type: 'bearer' });
    expect(incident.status).toBe(200);
    expect(incident.body).toMatchObject({
      source: 'qamqor',
      districtId: yesil,
      status: 'open',
      coded: false,
    });
    expect(incident.body.timeline.map((e: { type: string }) => e.type)).toEqual([
      'ReportReceived',
      'IncidentOpened',
    ]);
    const people = await app
      .get(DataSource)
      .query(`SELECT role FROM incident_persons WHERE incident_id = $1 ORDER BY role`, [
        res.body.incidentId,
      ]);
    expect(people.map((p: { role: string }) => p.role)).toEqual(['applicant', 'offender']);
  });

  it('counts earlier incidents of the named offender in a report from another applicant and address', async () => {
    const offender = { iin: '760704300123', fullName: 'Тестов Болат' };
    const first = await sendOne(
      report({
        address: 'г. Астана, ул. Сыганак 10, кв. 3',
        applicant: { fullName: 'Первая Заявительница', phone: '+7 701 555 12 01' },
        offender,
      }),
    );
    expect(first.status).toBe(201);
    const second = await sendOne(
      report({
        address: 'г. Астана, пр. Туран 55, кв. 90',
        applicant: { fullName: 'Вторая Заявительница', phone: '+7 701 555 12 02' },
        offender: { iin: offender.iin },
      }),
    );
    expect(second.status).toBe(201);
    const incident = await http()
      .get(`/api/v1/incidents/${second.body.incidentId}`)
      .auth(supervisor.token, { type: 'bearer' });
    expect(incident.body.history.priorIncidents12m).toBe(1);
    expect(incident.body.reasons).toContain(
      '1 earlier incident in the last 12 months: 1 involving the named offender.',
    );
  });

  it('routes a report that names no district: supervisors see it, queue it and assign a district', async () => {
    const res = await sendOne(report({ districtId: undefined }));
    expect(res.status).toBe(201);
    const id = res.body.incidentId as string;
    const dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    expect(
      (await http().get(`/api/v1/incidents/${id}`).auth(dispatcher.token, { type: 'bearer' }))
        .status,
    ).toBe(404);
    const seen = await http()
      .get(`/api/v1/incidents/${id}`)
      .auth(supervisor.token, { type: 'bearer' });
    expect(seen.status).toBe(200);
    expect(seen.body.districtId).toBeNull();
    const queue = await http()
      .get('/api/v1/dispatch/queue?limit=1000')
      .auth(supervisor.token, { type: 'bearer' });
    expect(queue.body.map((q: { incidentId: string }) => q.incidentId)).toContain(id);
    const routed = await http()
      .post(`/api/v1/incidents/${id}/district`)
      .auth(supervisor.token, { type: 'bearer' })
      .send({ districtId: yesil });
    expect(routed.status).toBe(200);
    const mine = await http()
      .get(`/api/v1/dispatch/queue?districtId=${yesil}&limit=1000`)
      .auth(dispatcher.token, { type: 'bearer' });
    expect(mine.body.map((q: { incidentId: string }) => q.incidentId)).toContain(id);
    const byDispatcher = await http()
      .post(`/api/v1/incidents/${id}/district`)
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ districtId: yesil });
    expect(byDispatcher.status).toBe(403);
  });

  it('answers a repeated delivery with 200 duplicate and the same incident', async () => {
    const body = report();
    const first = await sendOne(body);
    const again = await sendOne(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ incidentId: first.body.incidentId, duplicate: true });
  });

  it('makes exactly one incident when the same report arrives five times at once', async () => {
    const body = report();
    const results = await Promise.all(Array.from({ length: 5 }, () => sendOne(body)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.incidentId)).size).toBe(1);
    expect(await rowsFor(body.reportId)).toEqual({ reports: 1, incidents: 1, incident_rows: 1 });
  });

  it.each([
    ['a wrong signature', { secret: 'another-secret-that-is-32-chars-long!!' }],
    ['a timestamp 10 minutes old', { ts: String(Math.floor(Date.now() / 1000) - 600) }],
    ['a timestamp 10 minutes ahead', { ts: String(Math.floor(Date.now() / 1000) + 600) }],
    ['a malformed signature', { signature: 'md5=abc' }],
  ])('refuses %s with 401 SIGNATURE_INVALID and writes nothing', async (_label, opts) => {
    const body = report();
    const res = await sendOne(body, { ...opts, ip: '10.20.1.1' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGNATURE_INVALID');
    expect((await rowsFor(body.reportId)).reports).toBe(0);
  });

  it('refuses a body changed after signing', async () => {
    const body = report();
    const ts = nowSeconds();
    const signature = signBody(TEST_QAMQOR_SECRET, ts, JSON.stringify(body));
    const res = await send('/api/v1/intake/qamqor', JSON.stringify({ ...body, text: 'changed' }), {
      ts,
      signature,
      ip: '10.20.1.2',
    });
    expect(res.status).toBe(401);
  });

  it('refuses unsigned requests', async () => {
    const res = await http()
      .post('/api/v1/intake/qamqor')
      .set('x-forwarded-for', '10.20.1.3')
      .send(report());
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('SIGNATURE_INVALID');
  });

  it('answers 429 with Retry-After to an address that keeps sending bad signatures', async () => {
    const ip = '10.20.2.2';
    for (let i = 0; i < 30; i++)
      expect((await sendOne(report(), { secret: 'x'.repeat(40), ip })).status).toBe(401);
    const limited = await sendOne(report(), { secret: 'x'.repeat(40), ip });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    const unsigned = await http()
      .post('/api/v1/intake/qamqor')
      .set('x-forwarded-for', ip)
      .send(report());
    expect(unsigned.status).toBe(429);
    expect(unsigned.headers['retry-after']).toBeDefined();
    expect((await sendOne(report(), { ip: '10.20.2.3' })).status).toBe(201);
  });

  it('lets a correctly signed delivery through from an address full of bad signatures', async () => {
    const ip = '10.20.2.4';
    for (let i = 0; i < 35; i++) await sendOne(report(), { secret: 'x'.repeat(40), ip });
    expect((await sendOne(report(), { secret: 'x'.repeat(40), ip })).status).toBe(429);
    const body = report();
    const res = await sendOne(body, { ip });
    expect(res.status).toBe(201);
    expect((await rowsFor(body.reportId)).incident_rows).toBe(1);
    // The batch endpoint too.
    const batch = [report(), report()].map((r) => JSON.stringify(r)).join('\n');
    const imported = await send('/api/v1/intake/qamqor/batch', batch, {
      ip,
      type: 'application/x-ndjson',
    });
    expect(imported.status).toBe(200);
    expect(imported.body.accepted).toBe(2);
    // Limited requests are not written: the flood leaves at most 30 rows in the window.
    const [{ n }] = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM intake_rejections WHERE ip = $1`, [ip]);
    expect(n).toBe(30);
  });

  it.each([
    [
      'an applicant IIN with a wrong check digit',
      { applicant: { iin: '791028302729' } },
      'applicant.iin',
      'IIN_INVALID',
    ],
    ['an unknown district', { districtId: randomUUID() }, 'districtId', 'UNKNOWN_DISTRICT'],
    ['an unknown field', { priority: 1 }, 'priority', 'VALIDATION_FAILED'],
    ['a missing reportId', { reportId: undefined }, 'reportId', 'VALIDATION_FAILED'],
  ])(
    'refuses a signed report with %s (400, field named, nothing written)',
    async (_label, overrides, field, code) => {
      const body = report(overrides);
      const res = await sendOne(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      if (body.reportId) expect((await rowsFor(body.reportId)).reports).toBe(0);
    },
  );

  it('imports an NDJSON batch: good lines kept, each bad line reported with its number', async () => {
    const seen = report();
    await sendOne(seen);
    const good = [report(), report(), report({ districtId: undefined })];
    const lines = [
      JSON.stringify(good[0]),
      '{"reportId": "broken",',
      JSON.stringify(report({ applicant: { iin: '791028302729' } })),
      '',
      JSON.stringify(seen),
      JSON.stringify(good[1]),
      JSON.stringify({ reportId: 'QMR-x', text: 'no address' }),
      '[1,2]',
      JSON.stringify(good[2]),
    ];
    const res = await send('/api/v1/intake/qamqor/batch', lines.join('\n'), {
      type: 'application/x-ndjson',
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(3);
    expect(res.body.duplicates).toBe(1);
    expect(res.body.rejected).toEqual([
      { line: 2, code: 'MALFORMED_JSON', message: expect.any(String) },
      { line: 3, code: 'IIN_INVALID', message: expect.any(String) },
      { line: 7, code: 'VALIDATION_FAILED', message: expect.stringContaining('address') },
      { line: 8, code: 'VALIDATION_FAILED', message: expect.any(String) },
    ]);
    for (const g of good) expect((await rowsFor(g.reportId)).reports).toBe(1);
    expect(JSON.stringify(res.body)).not.toContain('791028302729');
  });

  it('requires the batch to be NDJSON and signed', async () => {
    const raw = JSON.stringify(report());
    const asJson = await send('/api/v1/intake/qamqor/batch', raw, { type: 'application/json' });
    expect(asJson.status).toBe(415);
    expect(asJson.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const ts = nowSeconds();
    const unsigned = await send('/api/v1/intake/qamqor/batch', raw, {
      type: 'application/x-ndjson',
      ts,
      signature: signBody('wrong-secret-wrong-secret-wrong-secret', ts, raw),
      ip: '10.20.3.3',
    });
    expect(unsigned.status).toBe(401);
  });
});
