import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp, TEST_PASSWORD, uniqueName, userWithToken } from './support/test-app';

/** Bad input gets a 4xx with a stable code and the failing field, never a 500. */
describe('error contract', () => {
  let app: NestFastifyApplication;
  let admin: Awaited<ReturnType<typeof userWithToken>>;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    app = await createTestApp();
    admin = await userWithToken(app, 'admin');
  });
  afterAll(async () => {
    await app.close();
  });

  const createUser = () => http().post('/api/v1/users').auth(admin.token, { type: 'bearer' });

  it('rejects an unknown field, naming it', async () => {
    const res = await http()
      .post('/api/v1/auth/login')
      .send({ username: 'a', password: 'b', isAdmin: true });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid request: isAdmin',
      details: [
        { field: 'isAdmin', code: 'unknownField', message: 'isAdmin is not an accepted field' },
      ],
    });
  });

  it('rejects a wrong type, naming the field, without echoing the value', async () => {
    const res = await createUser().send({
      username: uniqueName('u'),
      password: TEST_PASSWORD,
      role: 'dispatcher',
      districtIds: 'ALL',
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.map((d: { field: string }) => d.field)).toContain('districtIds');
    expect(JSON.stringify(res.body)).not.toContain(TEST_PASSWORD);
  });

  it('names nested and array fields', async () => {
    const res = await createUser().send({
      username: 'ab',
      password: 5,
      role: 'dispatcher',
      districtIds: [1],
    });
    expect(res.status).toBe(400);
    const fields = res.body.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['username', 'password', 'districtIds']));
  });

  it('answers a 2 MB body with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ username: 'x'.repeat(2 * 1024 * 1024), password: 'y' }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body is too large',
    });
  });

  it.each([
    ['truncated', '{"username":"a",'],
    ['not JSON at all', 'username=a&password=b'],
    ['a trailing comma', '{"username":"a","password":"b",}'],
  ])('answers malformed JSON (%s) with 400 MALFORMED_JSON', async (_label, body) => {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('answers a body that is JSON but not an object with 400', async () => {
    for (const body of ['[]', '"text"', '42', 'null']) {
      const res = await http()
        .post('/api/v1/auth/login')
        .set('content-type', 'application/json')
        .send(body);
      expect(res.status).toBe(400);
      expect(['VALIDATION_FAILED', 'MALFORMED_JSON']).toContain(res.body.code);
    }
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await http()
      .post('/api/v1/auth/login')
      .set('content-type', 'application/xml')
      .send('<a/>');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with 404 NOT_FOUND in the same shape', async () => {
    const res = await http().get('/api/v1/no-such-thing').auth(admin.token, { type: 'bearer' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'Not found' });
  });

  it('answers a missing body with 400, not 500', async () => {
    const res = await createUser();
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});
