import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Clock } from '@app/kz';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/bootstrap';
import { createRootLogger } from '../../src/common/logger';
import { type Role } from '../../src/common/roles';
import { validateEnvironment } from '../../src/config/app-config';
import { type Runtime } from '../../src/config/runtime';
import { CreateUserCommand } from '../../src/modules/identity/application/commands/create-user/create-user.command';

export const TEST_JWT_SECRET = 'test-secret-that-is-at-least-32-characters-long';
export const TEST_PASSWORD = 'Correct-Horse-Battery-7';
export const TEST_QAMQOR_SECRET = 'qamqor-test-secret-with-at-least-32-chars';

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global setup)');
  return url;
}

/** The real application on the run's test database, as production builds it. */
export async function createTestApp(
  options: { clock?: Clock; databaseUrl?: string; env?: Record<string, string> } = {},
): Promise<NestFastifyApplication> {
  const databaseUrl = options.databaseUrl ?? testDatabaseUrl();
  const env = validateEnvironment({
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DB_POOL_SIZE: '10',
    QAMQOR_HMAC_SECRET: TEST_QAMQOR_SECRET,
    // Checkpoints belong to one database: never the folder `npm start` writes to.
    CHECKPOINT_DIR: join(tmpdir(), `qorgau-checkpoints-${process.env.TEST_DATABASE_NAME ?? 'x'}`),
    ...options.env,
  });
  const runtime: Runtime = { env, databaseUrl, embedded: false, jwtSecret: TEST_JWT_SECRET };
  const app = await createApp(runtime, createRootLogger(env.LOG_LEVEL), { clock: options.clock });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}.${Date.now().toString(36)}${counter}`;
}

export async function districtIds(
  app: NestFastifyApplication,
  ...codes: string[]
): Promise<string[]> {
  const rows = (await app
    .get(DataSource)
    .query(`SELECT id, code FROM districts WHERE code = ANY($1)`, [codes])) as Array<{
    id: string;
    code: string;
  }>;
  return codes.map((c) => {
    const found = rows.find((r) => r.code === c);
    if (!found) throw new Error(`no district ${c}`);
    return found.id;
  });
}

/** Creates a user directly through the command bus and logs in over HTTP. */
export async function userWithToken(
  app: NestFastifyApplication,
  role: Role,
  districtCodes: string[] = ['AST-YESIL'],
): Promise<{ id: string; username: string; token: string; districtIds: string[] }> {
  const username = uniqueName(role);
  const ids = await districtIds(app, ...districtCodes);
  const user = (await app
    .get(CommandBus)
    .execute(new CreateUserCommand(null, username, TEST_PASSWORD, role, ids))) as {
    id: string;
  };
  const res = await request(app.getHttpServer())
    .post('/api/v1/auth/login')
    .send({ username, password: TEST_PASSWORD });
  if (res.status !== 200)
    throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: user.id, username, token: res.body.accessToken as string, districtIds: ids };
}
