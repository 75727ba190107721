import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp, userWithToken } from './support/test-app';

describe('operations endpoints', () => {
  let app: NestFastifyApplication;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers liveness without a token', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('reports ready once the database answers and migrations are applied', async () => {
    const res = await request(app.getHttpServer()).get('/api/v1/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', database: 'up', migrations: 'applied' });
  });

  it('serves the OpenAPI document with the login route and a UI', async () => {
    const doc = await request(app.getHttpServer()).get('/api/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.paths['/api/v1/auth/login']).toBeDefined();
    expect(doc.body.paths['/api/v1/users']).toBeDefined();
    const ui = await request(app.getHttpServer()).get('/api/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('exposes Prometheus metrics, to admins only, including request durations', async () => {
    await request(app.getHttpServer()).get('/api/v1/health');
    expect((await request(app.getHttpServer()).get('/api/v1/metrics')).status).toBe(401);
    const admin = await userWithToken(app, 'admin');
    const res = await request(app.getHttpServer())
      .get('/api/v1/metrics')
      .auth(admin.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});
