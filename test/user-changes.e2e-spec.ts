import { JwtService } from '@nestjs/jwt';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { JWT_AUDIENCE, JWT_ISSUER } from '../src/modules/identity/infrastructure/jwt-token-issuer';
import {
  createTestApp,
  districtIds,
  TEST_PASSWORD,
  uniqueName,
  userWithToken,
} from './support/test-app';

type Session = Awaited<ReturnType<typeof userWithToken>>;

describe('separation of duties, token revocation and canonical ids', () => {
  let app: NestFastifyApplication;
  let admin: Session;
  let admin2: Session;
  let prosecutor: Session;
  const http = () => request(app.getHttpServer());
  const as = (s: Session | string) => ({
    Authorization: `Bearer ${typeof s === 'string' ? s : s.token}`,
  });
  const login = (username: string, password: string) =>
    http().post('/api/v1/auth/login').send({ username, password });

  beforeAll(async () => {
    app = await createTestApp();
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
    admin2 = await userWithToken(app, 'admin', ['AST-YESIL']);
    prosecutor = await userWithToken(app, 'prosecutor', ['AST-YESIL']);
  });
  afterAll(async () => {
    await app.close();
  });

  async function proposeDispatcher(username = uniqueName('disp')) {
    const res = await http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({
        username,
        password: TEST_PASSWORD,
        role: 'dispatcher',
        districtIds: await districtIds(app, 'AST-YESIL'),
      });
    expect(res.status).toBe(202);
    return { username, changeId: res.body.changeId as string };
  }

  it('creates an operational account only when a second admin approves; the proposer cannot', async () => {
    const { username, changeId } = await proposeDispatcher();
    // Not yet an account: it cannot log in and is not listed.
    expect((await login(username, TEST_PASSWORD)).status).toBe(401);
    const users = await http().get('/api/v1/users').set(as(admin));
    expect(users.body.map((u: { username: string }) => u.username)).not.toContain(username);

    const pending = await http().get('/api/v1/users/changes?status=pending').set(as(admin2));
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          changeId,
          kind: 'create',
          username,
          status: 'pending',
          proposedBy: admin.id,
          changes: expect.objectContaining({ role: 'dispatcher' }),
        }),
      ]),
    );
    expect(JSON.stringify(pending.body)).not.toMatch(/argon2|password_hash|passwordHash/);

    const self = await http().post(`/api/v1/users/changes/${changeId}/approve`).set(as(admin));
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('APPROVER_IS_PROPOSER');
    expect((await login(username, TEST_PASSWORD)).status).toBe(401);

    const ok = await http().post(`/api/v1/users/changes/${changeId}/approve`).set(as(admin2));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ changeId, status: 'approved', decidedBy: admin2.id });
    const logged = await login(username, TEST_PASSWORD);
    expect(logged.status).toBe(200);
    expect(logged.body.user).toMatchObject({ id: ok.body.userId, role: 'dispatcher' });

    const again = await http().post(`/api/v1/users/changes/${changeId}/approve`).set(as(admin2));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CHANGE_NOT_PENDING');
  });

  it('a rejected change never applies; prosecutors see every change but cannot decide', async () => {
    const { username, changeId } = await proposeDispatcher();
    const rejected = await http().post(`/api/v1/users/changes/${changeId}/reject`).set(as(admin2));
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    const late = await http().post(`/api/v1/users/changes/${changeId}/approve`).set(as(admin2));
    expect(late.status).toBe(409);
    expect((await login(username, TEST_PASSWORD)).status).toBe(401);

    const seen = await http().get('/api/v1/users/changes').set(as(prosecutor));
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ changeId, status: 'rejected' })]),
    );
    const { changeId: other } = await proposeDispatcher();
    const decide = await http().post(`/api/v1/users/changes/${other}/approve`).set(as(prosecutor));
    expect(decide.status).toBe(403);
    const dispatcher = await userWithToken(app, 'dispatcher');
    expect((await http().get('/api/v1/users/changes').set(as(dispatcher))).status).toBe(403);
    const unknown = await http()
      .post('/api/v1/users/changes/7b2a4c7e-55b6-4a4e-9f43-2f7d7f1f0a11/approve')
      .set(as(admin2));
    expect(unknown.status).toBe(404);
  });

  it('an admin cannot approve a widening of their own account', async () => {
    const [nura] = await districtIds(app, 'AST-NURA');
    const res = await http()
      .patch(`/api/v1/users/${admin2.id}`)
      .set(as(admin))
      .send({ districtIds: [...admin2.districtIds, nura] });
    expect(res.status).toBe(202);
    const own = await http()
      .post(`/api/v1/users/changes/${res.body.changeId}/approve`)
      .set(as(admin2));
    expect(own.status).toBe(403);
    expect(own.body.code).toBe('APPROVER_IS_SUBJECT');
    const me = await http().get('/api/v1/auth/me').set(as(admin2));
    expect(me.body.districtIds).not.toContain(nura);
  });

  it('disabling and narrowing apply at once; re-enabling waits for approval', async () => {
    const user = await userWithToken(app, 'inspector', ['AST-YESIL', 'AST-NURA']);
    const [yesil] = await districtIds(app, 'AST-YESIL');
    const narrowed = await http()
      .patch(`/api/v1/users/${user.id}`)
      .set(as(admin))
      .send({ districtIds: [yesil] });
    expect(narrowed.status).toBe(200);
    expect(narrowed.body.districtIds).toEqual([yesil]);
    const disabled = await http()
      .patch(`/api/v1/users/${user.id}`)
      .set(as(admin))
      .send({ disabled: true });
    expect(disabled.status).toBe(200);
    const enable = await http()
      .patch(`/api/v1/users/${user.id}`)
      .set(as(admin))
      .send({ disabled: false });
    expect(enable.status).toBe(202);
    // The pending update is listed under the user's name, not only the id.
    const pending = await http().get('/api/v1/users/changes?status=pending').set(as(admin2));
    const listed = pending.body.find(
      (c: { changeId: string }) => c.changeId === enable.body.changeId,
    );
    expect(listed).toMatchObject({ kind: 'update', userId: user.id, username: user.username });
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
    await http()
      .post(`/api/v1/users/changes/${enable.body.changeId}/approve`)
      .set(as(admin2))
      .expect(200);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
  });

  it('a password reset of another user waits for approval, then revokes their existing tokens', async () => {
    const user = await userWithToken(app, 'dispatcher');
    const newPassword = 'Fresh-Reset-Password-42';
    const reset = await http()
      .patch(`/api/v1/users/${user.id}`)
      .set(as(admin))
      .send({ password: newPassword });
    expect(reset.status).toBe(202);
    expect(JSON.stringify(reset.body)).not.toContain(newPassword);
    // Pending: nothing changed yet.
    expect((await http().get('/api/v1/auth/me').set(as(user))).status).toBe(200);
    expect((await login(user.username, newPassword)).status).toBe(401);

    const approved = await http()
      .post(`/api/v1/users/changes/${reset.body.changeId}/approve`)
      .set(as(admin2));
    expect(approved.status).toBe(200);
    expect(approved.body.changes).toEqual({ passwordReset: true });
    // The old token is dead; the old password too; the new one works and its token is accepted.
    expect((await http().get('/api/v1/auth/me').set(as(user))).status).toBe(401);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(401);
    const fresh = await login(user.username, newPassword);
    expect(fresh.status).toBe(200);
    expect((await http().get('/api/v1/auth/me').set(as(fresh.body.accessToken))).status).toBe(200);
    const stored = await app
      .get(DataSource)
      .query(`SELECT password_hash FROM user_changes WHERE id = $1`, [reset.body.changeId]);
    expect(stored).toEqual([{ password_hash: null }]);
  });

  it('a disable revokes tokens: re-enabled, the old token stays refused', async () => {
    const user = await userWithToken(app, 'supervisor');
    await http().patch(`/api/v1/users/${user.id}`).set(as(admin)).send({ disabled: true });
    const enable = await http()
      .patch(`/api/v1/users/${user.id}`)
      .set(as(admin))
      .send({ disabled: false });
    await http()
      .post(`/api/v1/users/changes/${enable.body.changeId}/approve`)
      .set(as(admin2))
      .expect(200);
    expect((await http().get('/api/v1/auth/me').set(as(user))).status).toBe(401);
    expect((await login(user.username, TEST_PASSWORD)).status).toBe(200);
  });

  it('refuses a correctly signed token without exp, or with a stale version', async () => {
    const user = await userWithToken(app, 'dispatcher');
    const jwt = app.get(JwtService);
    const claims = { audience: JWT_AUDIENCE, issuer: JWT_ISSUER };
    const noExp = await jwt.signAsync({ sub: user.id, ver: 0 }, claims);
    expect(JSON.parse(Buffer.from(noExp.split('.')[1], 'base64url').toString())).not.toHaveProperty(
      'exp',
    );
    expect((await http().get('/api/v1/auth/me').set(as(noExp))).status).toBe(401);
    const withExp = await jwt.signAsync({ sub: user.id, ver: 0 }, { ...claims, expiresIn: 60 });
    expect((await http().get('/api/v1/auth/me').set(as(withExp))).status).toBe(200);
    const stale = await jwt.signAsync({ sub: user.id, ver: 7 }, { ...claims, expiresIn: 60 });
    expect((await http().get('/api/v1/auth/me').set(as(stale))).status).toBe(401);
    const noVer = await jwt.signAsync({ sub: user.id }, { ...claims, expiresIn: 60 });
    expect((await http().get('/api/v1/auth/me').set(as(noVer))).status).toBe(401);
  });

  it('canonicalises ids: an upper-case own id still hits the self-lockout guard', async () => {
    const upper = admin.id.toUpperCase();
    expect(upper).not.toBe(admin.id);
    const res = await http()
      .patch(`/api/v1/users/${upper}`)
      .set(as(admin))
      .send({ disabled: true });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('SELF_LOCKOUT');
    const demote = await http()
      .patch(`/api/v1/users/${upper}`)
      .set(as(admin))
      .send({ role: 'dispatcher' });
    expect(demote.status).toBe(409);
    expect((await http().get('/api/v1/auth/me').set(as(admin))).status).toBe(200);
    const read = await http().get(`/api/v1/users/${upper}`).set(as(admin));
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(admin.id);
    const bad = await http().get('/api/v1/users/not-a-uuid').set(as(admin));
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: 'id', code: 'isUuid' });
  });

  it('refuses a taken username at proposal and at approval', async () => {
    const username = uniqueName('dup');
    const first = await proposeDispatcher(username);
    const second = await proposeDispatcher(username);
    await http()
      .post(`/api/v1/users/changes/${first.changeId}/approve`)
      .set(as(admin2))
      .expect(200);
    const clash = await http()
      .post(`/api/v1/users/changes/${second.changeId}/approve`)
      .set(as(admin2));
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('USERNAME_TAKEN');
    const still = await http().get('/api/v1/users/changes?status=pending').set(as(admin2));
    expect(still.body.map((c: { changeId: string }) => c.changeId)).toContain(second.changeId);
    const third = await http()
      .post('/api/v1/users')
      .set(as(admin))
      .send({ username, password: TEST_PASSWORD, role: 'prosecutor', districtIds: [] });
    expect(third.status).toBe(409);
  });
});
