import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

describe('Idempotency-Key on writes', () => {
  let app: NestFastifyApplication;
  let dispatcher: Awaited<ReturnType<typeof userWithToken>>;
  let nauryzbay: string;
  let seq = 0;

  beforeAll(async () => {
    app = await createTestApp();
    [nauryzbay] = await districtIds(app, 'ALA-NAURYZBAY');
    dispatcher = await userWithToken(app, 'dispatcher', ['ALA-NAURYZBAY']);
  });
  afterAll(async () => {
    await app.close();
  });

  const body = () => ({
    callerPhone: `+7707${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`,
    districtId: nauryzbay,
    address: `ул. Повторная ${seq++}`,
  });
  const post = (payload: object, key?: string) => {
    const r = request(app.getHttpServer())
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' });
    return (key ? r.set('Idempotency-Key', key) : r).send(payload);
  };
  const incidentsAt = async (address: string) =>
    (
      await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM incidents WHERE address = $1`, [address])
    )[0].n as number;

  it('answers a retried call with the first result and registers it once', async () => {
    const payload = body();
    const key = `retry-${Date.now()}`;
    const first = await post(payload, key);
    const again = await post(payload, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await incidentsAt(payload.address)).toBe(1);
  });

  it('registers once when five retries race', async () => {
    const payload = body();
    const key = `race-${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 5 }, () => post(payload, key)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.incidentId)).size).toBe(1);
    expect(await incidentsAt(payload.address)).toBe(1);
  });

  it('refuses the same key for a different request with 409', async () => {
    const key = `reuse-${Date.now()}`;
    expect((await post(body(), key)).status).toBe(201);
    const res = await post(body(), key);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('keeps no key when the write fails, so a corrected retry goes through', async () => {
    const key = `fail-${Date.now()}`;
    const bad = await post({ ...body(), victim: { iin: '791028302729' } }, key);
    expect(bad.status).toBe(400);
    const payload = body();
    expect((await post(payload, key)).status).toBe(201);
  });

  it('acts twice without a key, as before', async () => {
    const payload = body();
    await post(payload);
    await post(payload);
    expect(await incidentsAt(payload.address)).toBe(2);
  });

  it('refuses a malformed key', async () => {
    const res = await post(body(), 'has spaces in it');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
  });
});
