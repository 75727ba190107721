import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CommandBus } from '@nestjs/cqrs';
import { CreateUserCommand } from '../src/modules/identity/application/commands/create-user/create-user.command';
import { signBody } from '../src/modules/intake/domain/report-signature';
import {
  createTestApp,
  districtIds,
  TEST_PASSWORD,
  TEST_QAMQOR_SECRET,
  uniqueName,
  userWithToken,
} from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

/** Defects found in review, each pinned by the request that showed it. */
describe('review regressions', () => {
  let app: NestFastifyApplication;
  let admin: User;
  let dispatcher: User;
  let medeu: string;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  const phone = () =>
    `+7705${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`;

  beforeAll(async () => {
    app = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    [medeu] = await districtIds(app, 'ALA-MEDEU');
    admin = await userWithToken(app, 'admin', ['ALA-MEDEU']);
    dispatcher = await userWithToken(app, 'dispatcher', ['ALA-MEDEU']);
  });
  afterAll(async () => {
    await app.close();
  });

  const call = (body: Record<string, unknown> = {}) =>
    http()
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: phone(), districtId: medeu, address: `ул. Ревизии ${seq++}`, ...body });

  it('does not give an account a second lockout counter through Unicode case folding', async () => {
    const username = uniqueName('lock.mi');
    const created = await http()
      .post('/api/v1/users')
      .auth(admin.token, { type: 'bearer' })
      .send({ username, password: TEST_PASSWORD, role: 'dispatcher', districtIds: [medeu] });
    expect(created.status).toBe(202);
    const approver = await userWithToken(app, 'admin', ['ALA-MEDEU']);
    await http()
      .post(`/api/v1/users/changes/${created.body.changeId}/approve`)
      .auth(approver.token, { type: 'bearer' })
      .expect(200);
    const login = (name: string, password: string) =>
      http()
        .post('/api/v1/auth/login')
        .set('x-forwarded-for', '10.77.0.1')
        .send({ username: name, password });
    for (let i = 0; i < 5; i++)
      expect((await login(username, `Wrong-Password-${i}`)).status).toBe(401);
    const dotted = username.replace('i', 'İ');
    expect(dotted).not.toBe(username);
    const res = await login(dotted, TEST_PASSWORD);
    expect(res.status).toBe(401);
    expect((await login(username, TEST_PASSWORD)).status).toBe(401);
  });

  it.each([
    ['an hour-only time', '2026-01-01T10Z'],
    ['a basic-format time', '20260101T100000Z'],
    ['a week date', '2026-W01'],
    ['30 February', '2026-02-30T10:00:00Z'],
    ['a time without an offset', '2026-01-01T10:00:00'],
  ])('refuses %s with 400, not 500', async (_label, receivedAt) => {
    const res = await call({ receivedAt });
    expect(res.status).toBe(400);
    expect(res.body.details[0]).toMatchObject({ field: 'receivedAt', code: 'isTimestamp' });
  });

  it('answers a call from before any triage rule set with 422, not 503', async () => {
    const res = await call({ receivedAt: '1999-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('RULE_SET_MISSING');
  });

  it.each([
    [
      'a NUL in the login name',
      '/api/v1/auth/login',
      { username: 'a\u0000b', password: 'x' },
      'username',
    ],
    ['a lone surrogate in an address', '/api/v1/calls', { address: 'ул. \uD800 1' }, 'address'],
  ])('refuses %s with 400 INVALID_CHARACTERS', async (_label, path, body, field) => {
    const res = await http()
      .post(path)
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: phone(), districtId: medeu, address: 'ул. 1', ...body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CHARACTERS', details: [{ field }] });
  });

  it('treats a null phone as absent and refuses arrays where objects belong', async () => {
    expect((await call({ victim: { phone: null, fullName: 'Тест' } })).status).toBe(201);
    const asArray = await call({ risk: [{ weapon: true, strangulation: true }] });
    expect(asArray.status).toBe(400);
    expect(asArray.body.details.map((d: { field: string }) => d.field)).toContain('risk');
    expect((await call({ victim: [{ iin: '791028302728' }] })).status).toBe(400);
  });

  it('refuses null for a role, a flag or a password in PATCH /users', async () => {
    for (const body of [
      { role: null },
      { disabled: null },
      { password: null },
      { districtIds: null },
    ]) {
      const res = await http()
        .patch(`/api/v1/users/${dispatcher.id}`)
        .auth(admin.token, { type: 'bearer' })
        .send(body);
      expect(res.status).toBe(400);
    }
  });

  it('keeps a coded call silent even when its incident is already closed', async () => {
    const c = await call();
    await http()
      .post(`/api/v1/incidents/${c.body.incidentId}/close`)
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ disposition: 'false_call' })
      .expect(200);
    const flagged = await http()
      .post(`/api/v1/calls/${c.body.id}/flag-coded`)
      .auth(dispatcher.token, { type: 'bearer' });
    expect(flagged.status).toBe(200);
    expect(flagged.body).toMatchObject({ coded: true, contactPolicy: 'silent' });
    const [row] = await app
      .get(DataSource)
      .query(
        `SELECT i.contact_policy, i.status, c.contact_policy AS call_policy FROM incidents i JOIN calls c ON c.incident_id = i.id WHERE i.id = $1`,
        [c.body.incidentId],
      );
    expect(row).toEqual({ contact_policy: 'silent', status: 'closed', call_policy: 'silent' });
  });

  it('survives flag-coded racing assignment on the same incidents without a 500', async () => {
    const pairs = await Promise.all(
      Array.from({ length: 15 }, async (_, i) => {
        const unit = await http()
          .post('/api/v1/units')
          .auth(admin.token, { type: 'bearer' })
          .send({ callSign: `RACE-${Date.now().toString(36)}-${i}`, districtId: medeu });
        return { call: (await call()).body, unitId: unit.body.id as string };
      }),
    );
    const results = await Promise.all(
      pairs.flatMap((p) => [
        http()
          .post(`/api/v1/calls/${p.call.id}/flag-coded`)
          .auth(dispatcher.token, { type: 'bearer' }),
        http()
          .post(`/api/v1/incidents/${p.call.incidentId}/assignments`)
          .auth(dispatcher.token, { type: 'bearer' })
          .send({ unitId: p.unitId }),
      ]),
    );
    expect(results.filter((r) => r.status >= 500).map((r) => r.body)).toEqual([]);
    const silent = await app
      .get(DataSource)
      .query(
        `SELECT count(*)::int AS n FROM incidents WHERE id = ANY($1::uuid[]) AND contact_policy = 'silent'`,
        [pairs.map((p) => p.call.incidentId)],
      );
    expect(silent[0].n).toBe(15);
  });

  it('reports a batch line without an applicant as rejected and keeps the others', async () => {
    const good = {
      reportId: `QMR-${randomUUID()}`,
      submittedAt: new Date().toISOString(),
      districtId: medeu,
      address: 'ул. 1',
      text: 'помогите',
      applicant: { fullName: 'А' },
    };
    const bad = { ...good, reportId: `QMR-${randomUUID()}`, applicant: undefined };
    const body = [JSON.stringify(bad), JSON.stringify(good)].join('\n');
    const ts = String(Math.floor(Date.now() / 1000));
    const res = await http()
      .post('/api/v1/intake/qamqor/batch')
      .set('content-type', 'application/x-ndjson')
      .set('x-timestamp', ts)
      .set('x-signature', signBody(TEST_QAMQOR_SECRET, ts, body))
      .send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      accepted: 1,
      rejected: [{ line: 1, code: 'VALIDATION_FAILED' }],
    });
  });

  it('does not let refused attempts keep an address blocked', async () => {
    const ip = '10.78.0.1';
    const user = await userWithToken(app, 'dispatcher', ['ALA-MEDEU']);
    const rows = await app
      .get(DataSource)
      .query(`SELECT count(*)::int AS n FROM login_attempts WHERE ip = $1`, [ip]);
    expect(rows[0].n).toBe(0);
    // Locked and rate-limited outcomes are not bad credentials and must not count toward the limit.
    await app
      .get(DataSource)
      .query(
        `INSERT INTO login_attempts (username, ip, at, outcome) SELECT 'x', $1, now(), 'rate_limited' FROM generate_series(1, 150)`,
        [ip],
      );
    const res = await http()
      .post('/api/v1/auth/login')
      .set('x-forwarded-for', ip)
      .send({ username: user.username, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
  });

  describe('second review', () => {
    const unit = async () =>
      (
        await http()
          .post('/api/v1/units')
          .auth(admin.token, { type: 'bearer' })
          .send({ callSign: `R2-${Date.now().toString(36)}-${seq++}`, districtId: medeu })
      ).body.id as string;

    it('answers racing retries of one assignment with the first result', async () => {
      const c = await call();
      const unitId = await unit();
      const key = `assign-${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          http()
            .post(`/api/v1/incidents/${c.body.incidentId}/assignments`)
            .auth(dispatcher.token, { type: 'bearer' })
            .set('Idempotency-Key', key)
            .send({ unitId }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
      expect(new Set(results.map((r) => r.body.assignmentId)).size).toBe(1);
    });

    it('dispatches a call whose console clock ran ahead, when no time is given', async () => {
      const c = await call({ receivedAt: new Date(Date.now() + 30_000).toISOString() });
      const res = await http()
        .post(`/api/v1/incidents/${c.body.incidentId}/assignments`)
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ unitId: await unit() });
      expect(res.status).toBe(201);
      const step = await http()
        .post(`/api/v1/assignments/${res.body.assignmentId}/status`)
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ status: 'en_route' });
      expect(step.status).toBe(200);
    });

    it('lets the dispatcher of the district an incident was routed to flag its call coded', async () => {
      const [turksib] = await districtIds(app, 'ALA-TURKSIB');
      const supervisor = await userWithToken(app, 'supervisor', ['ALA-MEDEU', 'ALA-TURKSIB']);
      const turksibDispatcher = await userWithToken(app, 'dispatcher', ['ALA-TURKSIB']);
      const c = await call();
      await http()
        .post(`/api/v1/incidents/${c.body.incidentId}/district`)
        .auth(supervisor.token, { type: 'bearer' })
        .send({ districtId: turksib })
        .expect(200);
      const flagged = await http()
        .post(`/api/v1/calls/${c.body.id}/flag-coded`)
        .auth(turksibDispatcher.token, { type: 'bearer' });
      expect(flagged.status).toBe(200);
      expect(flagged.body.contactPolicy).toBe('silent');
      expect(
        (
          await http()
            .get(`/api/v1/calls/${c.body.id}`)
            .auth(turksibDispatcher.token, { type: 'bearer' })
        ).status,
      ).toBe(200);
      expect(
        (await http().get(`/api/v1/calls/${c.body.id}`).auth(dispatcher.token, { type: 'bearer' }))
          .status,
      ).toBe(404);
    });

    it('refuses to create a user whose name could never log in, also outside HTTP (user:create)', async () => {
      for (const username of ['aibek@102.kz', 'ab']) {
        await expect(
          app
            .get(CommandBus)
            .execute(new CreateUserCommand(null, username, TEST_PASSWORD, 'dispatcher', [medeu])),
        ).rejects.toMatchObject({ code: 'USERNAME_INVALID' });
      }
    });
  });
});
