import { Writable } from 'node:stream';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/bootstrap';
import { validateEnvironment } from '../src/config/app-config';
import { QAMQOR_DISABLED_WARNING, resolveRuntime } from '../src/config/resolve-runtime';
import { signBody } from '../src/modules/intake/domain/report-signature';
import { TEST_JWT_SECRET, testDatabaseUrl } from './support/test-app';

/** An external database without QAMQOR_HMAC_SECRET: one warning at start, a quiet 503 per report. */
describe('intake: qamqor without QAMQOR_HMAC_SECRET', () => {
  let app: NestFastifyApplication;
  const lines: Array<{ level: number; msg?: string; err?: { stack?: string } }> = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line) as (typeof lines)[number]);
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const env = validateEnvironment({
      DATABASE_URL: testDatabaseUrl(),
      JWT_SECRET: TEST_JWT_SECRET,
      DB_POOL_SIZE: '4',
    });
    const { runtime } = await resolveRuntime(
      env,
      (m) => logger.info(m),
      (m) => logger.warn(m),
    );
    app = await createApp(runtime, logger);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await app.close();
  });

  it('warns once at start-up, then answers 503 INTAKE_NOT_CONFIGURED without logging a stack', async () => {
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings.map((l) => l.msg)).toEqual([QAMQOR_DISABLED_WARNING]);

    const before = lines.length;
    for (const path of ['/api/v1/intake/qamqor', '/api/v1/intake/qamqor/batch']) {
      const raw = JSON.stringify({ reportId: 'QMR-1', text: 'x' });
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await request(app.getHttpServer())
        .post(path)
        .set('content-type', path.endsWith('/batch') ? 'application/x-ndjson' : 'application/json')
        .set('x-timestamp', ts)
        .set('x-signature', signBody('anything-at-all-with-32-characters!', ts, raw))
        .send(raw);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ statusCode: 503, code: 'INTAKE_NOT_CONFIGURED' });
      expect(JSON.stringify(res.body)).not.toContain('at ');
    }
    const after = lines.slice(before);
    expect(after.filter((l) => l.level >= 50)).toEqual([]);
    expect(after.filter((l) => l.err?.stack !== undefined)).toEqual([]);
  });
});
