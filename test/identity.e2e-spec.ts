import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createTestApp,
  districtIds,
  TEST_PASSWORD,
  uniqueName,
  userWithToken,
} from './support/test-app';

describe('identity: login, lockout, users, roles and districts', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let admin: Awaited<ReturnType<typeof userWithToken>>;
  /** The second admin who approves what `admin` proposes (separation of duties). */
  let admin2: Awaited<ReturnType<typeof userWithToken>>;
  const http = () => request(app.getHttpServer());
  const login = (username: string, password: string, ip = '10.1.1.1') =>
    http().post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ username, password });

  beforeAll(async () => {
    clock = new FakeClock(new Date());
    app = await createTestApp({ clock, env: { TRUST_PROXY: 'true' } });
    admin = await userWithToken(app, 'admin', ['AST-YESIL', 'AST-NURA']);
    admin2 = await userWithToken(app, 'admin', ['AST-YESIL', 'AST-NURA']);
  });

  const approve = async (changeId: string) => {
    const res = await http()
      .post(`/api/v1/users/changes/${changeId}/approve`)
      .auth(admin2.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return res.body as { userId: string; status: string };
  };
  afterAll(async () => {
    await app.close();
  });

  async function createUser(role = 'dispatcher', codes = ['AST-YESIL']) {
    const username = uniqueName(role);
    const res = await http()
      .post('/api/v1/users')
      .auth(admin.token, { type: 'bearer' })
      .send({
        username,
        password: TEST_PASSWORD,
        role,
        districtIds: await districtIds(app, ...codes),
      });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ changeId: expect.any(String), status: 'pending' });
    const approved = await approve(res.body.changeId as string);
    return { id: approved.userId, username };
  }

  describe('login', () => {
    it('issues a JWT with the user, role and districts', async () => {
      const user = await createUser('inspector', ['AST-YESIL']);
      const res = await login(user.username, TEST_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        expiresIn: 3600,
        user: {
          id: user.id,
          username: user.username,
          role: 'inspector',
          districtIds: await districtIds(app, 'AST-YESIL'),
        },
      });
      const me = await http().get('/api/v1/auth/me').auth(res.body.accessToken, { type: 'bearer' });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(user.id);
    });

    it('answers an unknown user and a wrong password with the same status and body', async () => {
      const user = await createUser();
      const unknown = await login(uniqueName('nobody'), TEST_PASSWORD);
      const wrong = await login(user.username, 'Wrong-Password-123');
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.body).toEqual({
        statusCode: 401,
        code: 'INVALID_CREDENTIALS',
        message: 'Invalid username or password',
      });
    });

    it('records every attempt with who, when, address and outcome', async () => {
      const user = await createUser();
      await login(user.username, 'Wrong-Password-123', '10.9.9.9');
      await login(user.username, TEST_PASSWORD, '10.9.9.9');
      const rows = await app
        .get(DataSource)
        .query(
          `SELECT username, user_id, ip, outcome, at FROM login_attempts WHERE username = $1 ORDER BY id`,
          [user.username],
        );
      expect(rows).toEqual([
        {
          username: user.username,
          user_id: user.id,
          ip: '10.9.9.9',
          outcome: 'bad_credentials',
          at: expect.any(Date),
        },
        {
          username: user.username,
          user_id: user.id,
          ip: '10.9.9.9',
          outcome: 'success',
          at: expect.any(Date),
        },
      ]);
    });

    it('locks a username for 10 minutes after 5 failures in 15 minutes, even with the right password', async () => {
      const user = await createUser();
      for (let i = 0; i < 5; i++) {
        if (i > 0) clock.advance(60_000);
        expect((await login(user.username, `Wrong-Password-${i}00`)).status).toBe(401);
      }
      const fifthFailureAt = clock.now().getTime();
      const locked = await login(user.username, TEST_PASSWORD);
      expect(locked.status).toBe(401);
      expect(locked.body.code).toBe('INVALID_CREDENTIALS');
      clock.set(new Date(fifthFailureAt + 10 * 60_000 - 1000)); // one second before the lock ends
      expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
      clock.set(new Date(fifthFailureAt + 10 * 60_000));
      expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
      const outcomes = await app
        .get(DataSource)
        .query(`SELECT outcome FROM login_attempts WHERE username = $1 ORDER BY id`, [
          user.username,
        ]);
      expect(outcomes.map((r: { outcome: string }) => r.outcome)).toEqual([
        ...Array(5).fill('bad_credentials'),
        'locked',
        'locked',
        'success',
      ]);
    });

    it('locks under concurrent failures without losing count', async () => {
      const user = await createUser();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          login(user.username, `Wrong-Password-x${i}`, '10.7.7.7'),
        ),
      );
      expect(results.every((r) => r.status === 401)).toBe(true);
      expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
    });

    it('treats usernames case-insensitively, so case changes do not dodge the lockout', async () => {
      const user = await createUser();
      for (let i = 0; i < 5; i++)
        await login(i % 2 ? user.username.toUpperCase() : user.username, `Wrong-Password-${i}`);
      expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
    });

    it('limits failed logins per address with 429 and Retry-After, never correct credentials', async () => {
      const ip = '10.66.66.66';
      const colleague = await createUser();
      for (let i = 0; i < 100; i++)
        expect((await login(uniqueName('ghost'), 'Wrong-Password-123', ip)).status).toBe(401);
      const unknown = await login(uniqueName('ghost'), 'Wrong-Password-123', ip);
      const wrong = await login(colleague.username, 'Wrong-Password-123', ip);
      for (const res of [unknown, wrong]) {
        expect(res.status).toBe(429);
        expect(res.body).toEqual({
          statusCode: 429,
          code: 'RATE_LIMITED',
          message: 'Too many failed logins from this address; try again later',
        });
        // The throttle ends when the oldest of the last 100 failures leaves the 15-minute window.
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
      }
      // A whole dispatch centre works from behind one address: the right password gets in.
      const ok = await login(colleague.username, TEST_PASSWORD, ip);
      expect(ok.status).toBe(200);
      expect(ok.body.user.id).toBe(colleague.id);
      // another address is unaffected
      const user = await createUser();
      expect((await login(user.username, TEST_PASSWORD, '10.66.66.67')).status).toBe(200);
      expect((await login(uniqueName('ghost'), 'Wrong-Password-123', '10.66.66.67')).status).toBe(
        401,
      );
    }, 180_000);
  });

  describe('deny by default and roles', () => {
    it('refuses requests without a token, and with a forged one', async () => {
      expect((await http().get('/api/v1/districts')).status).toBe(401);
      const forged = await http()
        .get('/api/v1/districts')
        .auth('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.AAAA', { type: 'bearer' });
      expect(forged.status).toBe(401);
      expect(forged.body.code).toBe('UNAUTHENTICATED');
    });

    it('does not let a dispatcher call admin routes', async () => {
      const dispatcher = await userWithToken(app, 'dispatcher');
      for (const call of [
        http().get('/api/v1/users'),
        http()
          .post('/api/v1/users')
          .send({ username: 'x.yz', password: TEST_PASSWORD, role: 'admin', districtIds: [] }),
        http().patch(`/api/v1/users/${dispatcher.id}`).send({ role: 'admin' }),
      ]) {
        const res = await call.auth(dispatcher.token, { type: 'bearer' });
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
    });

    it('lists districts of Astana and Almaty city with their regions for any role', async () => {
      const prosecutor = await userWithToken(app, 'prosecutor');
      const res = await http().get('/api/v1/districts').auth(prosecutor.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      // The 13 reference districts (other specs may add their own to the shared test database).
      const reference = (res.body as Array<{ code: string }>).filter((d) =>
        /^(AST|ALA)-/.test(d.code),
      );
      expect(reference).toHaveLength(13);
      expect(res.body).toContainEqual({
        id: expect.any(String),
        code: 'AST-YESIL',
        name: 'Yesil',
        region: 'Astana',
      });
      expect(res.body).toContainEqual({
        id: expect.any(String),
        code: 'ALA-MEDEU',
        name: 'Medeu',
        region: 'Almaty city',
      });
    });
  });

  describe('user administration', () => {
    it('creates a user; the same name in another case is USERNAME_TAKEN', async () => {
      const user = await createUser('supervisor', ['AST-NURA']);
      const again = await http().post('/api/v1/users').auth(admin.token, { type: 'bearer' }).send({
        username: user.username.toUpperCase().toLowerCase(),
        password: TEST_PASSWORD,
        role: 'admin',
        districtIds: [],
      });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('USERNAME_TAKEN');
      const list = await http().get('/api/v1/users').auth(admin.token, { type: 'bearer' });
      expect(
        list.body.filter((u: { username: string }) => u.username === user.username),
      ).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain('argon2');
    });

    it.each([
      ['short', 'Short-pw-1', 'PASSWORD_TOO_SHORT'],
      ['common', 'qwerty123456', 'PASSWORD_COMMON'],
      ['containing the username', 'USERNAME-is-long-enough', 'PASSWORD_CONTAINS_USERNAME'],
    ])('refuses a %s password, naming the field', async (_label, password, code) => {
      const username = uniqueName('weak');
      const sent = password.replace('USERNAME', username);
      const res = await http()
        .post('/api/v1/users')
        .auth(admin.token, { type: 'bearer' })
        .send({ username, password: sent, role: 'dispatcher', districtIds: [] });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'password', code })]);
      expect(JSON.stringify(res.body)).not.toContain(sent);
    });

    it('refuses unknown districts, bad roles and unknown fields, naming each field', async () => {
      const res = await http()
        .post('/api/v1/users')
        .auth(admin.token, { type: 'bearer' })
        .send({
          username: uniqueName('u'),
          password: TEST_PASSWORD,
          role: 'sheriff',
          districtIds: ['nope'],
          extra: 1,
        });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const fields = res.body.details.map((d: { field: string }) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['role', 'districtIds', 'extra']));
      const unknown = await http()
        .post('/api/v1/users')
        .auth(admin.token, { type: 'bearer' })
        .send({
          username: uniqueName('u'),
          password: TEST_PASSWORD,
          role: 'dispatcher',
          districtIds: ['7b2a4c7e-55b6-4a4e-9f43-2f7d7f1f0a11'],
        });
      expect(unknown.status).toBe(400);
      expect(unknown.body.details).toEqual([
        expect.objectContaining({ field: 'districtIds', code: 'UNKNOWN_DISTRICT' }),
      ]);
    });

    it('applies a disable on the user’s very next request, whatever token they hold', async () => {
      const victimOfChange = await userWithToken(app, 'dispatcher');
      expect(
        (await http().get('/api/v1/auth/me').auth(victimOfChange.token, { type: 'bearer' })).status,
      ).toBe(200);
      const patch = await http()
        .patch(`/api/v1/users/${victimOfChange.id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ disabled: true });
      expect(patch.status).toBe(200);
      expect(patch.body.disabled).toBe(true);
      expect(
        (await http().get('/api/v1/auth/me').auth(victimOfChange.token, { type: 'bearer' })).status,
      ).toBe(401);
      // and a disabled user cannot log in; the answer is the same as for a wrong password
      const res = await login(victimOfChange.username, TEST_PASSWORD);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('INVALID_CREDENTIALS');
    });

    it('applies role and district changes on the next request', async () => {
      const user = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
      expect((await http().get('/api/v1/users').auth(user.token, { type: 'bearer' })).status).toBe(
        403,
      );
      const [almaly] = await districtIds(app, 'ALA-ALMALY');
      const patch = await http()
        .patch(`/api/v1/users/${user.id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ role: 'admin', districtIds: [almaly] })
        .expect(202);
      // The narrowing part (Yesil dropped) applies at once; the widening waits for admin2.
      const narrowed = await http().get('/api/v1/auth/me').auth(user.token, { type: 'bearer' });
      expect(narrowed.body).toMatchObject({ role: 'dispatcher', districtIds: [] });
      await approve(patch.body.changeId as string);
      expect((await http().get('/api/v1/users').auth(user.token, { type: 'bearer' })).status).toBe(
        200,
      );
      const me = await http().get('/api/v1/auth/me').auth(user.token, { type: 'bearer' });
      expect(me.body).toMatchObject({ role: 'admin', districtIds: [almaly] });
    });

    it('records user changes as events and in the audit log, without the password', async () => {
      const user = await createUser();
      const patch = await http()
        .patch(`/api/v1/users/${user.id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ role: 'supervisor', password: 'Another-Good-Password-9' })
        .expect(202);
      const changeId = patch.body.changeId as string;
      await approve(changeId);
      const db = app.get(DataSource);
      const events = await db.query(
        `SELECT type, payload, actor_id FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [user.id],
      );
      expect(events.map((e: { type: string }) => e.type)).toEqual(['UserCreated', 'UserUpdated']);
      expect(events[1].payload).toEqual({
        userId: user.id,
        role: 'supervisor',
        passwordChanged: true,
        changeId,
      });
      // Applied by the approver; the proposal and the approval are on the change's own stream.
      expect(events[1].actor_id).toBe(admin2.id);
      const audit = await db.query(
        `SELECT action, actor_id, outcome FROM audit_log WHERE target_id = $1 ORDER BY id`,
        [user.id],
      );
      expect(audit).toEqual([
        { action: 'user.create', actor_id: admin2.id, outcome: 'success' },
        { action: 'user.update', actor_id: admin2.id, outcome: 'success' },
      ]);
      const changeAudit = await db.query(
        `SELECT action, actor_id FROM audit_log WHERE target_id = $1 ORDER BY id`,
        [changeId],
      );
      expect(changeAudit).toEqual([
        { action: 'user.change.propose', actor_id: admin.id },
        { action: 'user.change.approve', actor_id: admin2.id },
      ]);
      const changeEvents = await db.query(
        `SELECT type, payload FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [changeId],
      );
      expect(changeEvents.map((e: { type: string }) => e.type)).toEqual([
        'UserChangeProposed',
        'UserChangeApproved',
      ]);
      expect(JSON.stringify(events)).not.toContain('Another-Good');
      expect(JSON.stringify(changeEvents)).not.toContain('argon2');
      expect((await login(user.username, 'Another-Good-Password-9')).status).toBe(200);
    });

    it('does not let an admin disable or demote themselves', async () => {
      const res = await http()
        .patch(`/api/v1/users/${admin.id}`)
        .auth(admin.token, { type: 'bearer' })
        .send({ disabled: true });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('SELF_LOCKOUT');
    });

    it('answers 404 for an unknown user and 400 for a malformed id', async () => {
      const missing = await http()
        .get('/api/v1/users/7b2a4c7e-55b6-4a4e-9f43-2f7d7f1f0a11')
        .auth(admin.token, { type: 'bearer' });
      expect(missing.status).toBe(404);
      const bad = await http()
        .get('/api/v1/users/not-a-uuid')
        .auth(admin.token, { type: 'bearer' });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('id');
    });
  });
});
