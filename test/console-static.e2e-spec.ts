import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createApp } from '../src/bootstrap';
import { createRootLogger } from '../src/common/logger';
import { validateEnvironment } from '../src/config/app-config';
import { type Runtime } from '../src/config/runtime';
import { CONSOLE_CSP } from '../src/console-static';
import { TEST_JWT_SECRET, testDatabaseUrl, userWithToken } from './support/test-app';

async function appServing(consoleDir: string): Promise<NestFastifyApplication> {
  const databaseUrl = testDatabaseUrl();
  const env = validateEnvironment({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    DB_POOL_SIZE: '4',
  });
  const runtime: Runtime = { env, databaseUrl, embedded: false, jwtSecret: TEST_JWT_SECRET };
  const app = await createApp(runtime, createRootLogger('silent'), { consoleDir });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

/** /console/: the built pages, under a stricter CSP than the API's, and nothing else of the folder. */
describe('console static pages', () => {
  let dir: string;
  let app: NestFastifyApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1);');
    writeFileSync(join(dir, 'assets', 'index-abc123.js.map'), '{"sources":["secret.ts"]}');
    writeFileSync(join(dir, '.env'), 'SECRET=1');
    app = await appServing(dir);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with its own CSP (self only, no inline script or style), revalidated on each load', async () => {
    const res = await http().get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('/console/assets/index-abc123.js');
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('redirects /console to /console/', async () => {
    const res = await http().get('/console');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/console/');
  });

  it('lets hashed assets be cached, and serves no source maps, dotfiles or paths outside', async () => {
    const asset = await http().get('/console/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBe(CONSOLE_CSP);

    for (const path of [
      '/console/assets/index-abc123.js.map',
      '/console/.env',
      '/console/assets/missing.js',
      '/console/../package.json',
      '/console/%2e%2e/package.json',
    ]) {
      const res = await http().get(path);
      // The path rides along so that a failure names it.
      expect([path, res.status >= 400 && res.status < 500]).toEqual([path, true]);
      expect(res.text).not.toContain('secret.ts');
      expect(res.text).not.toContain('SECRET=1');
      expect(res.text).not.toContain('"dependencies"');
    }
  });

  it('leaves the API its own headers: no-store and the API CSP', async () => {
    const user = await userWithToken(app, 'dispatcher');
    const res = await http().get('/api/v1/districts').set('authorization', `Bearer ${user.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).not.toBe(CONSOLE_CSP);
  });
});

describe('console not built', () => {
  let app: NestFastifyApplication;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'console-missing-'));
    app = await appServing(join(dir, 'not-there'));
  });
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 CONSOLE_NOT_BUILT instead of failing to start', async () => {
    for (const path of ['/console/', '/console/assets/index.js']) {
      const res = await request(app.getHttpServer()).get(path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, code: 'CONSOLE_NOT_BUILT' });
    }
    const health = await request(app.getHttpServer()).get('/api/v1/health');
    expect(health.status).toBe(200);
  });
});
