import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createTestDatabase, dropTestDatabase } from '@app/testing';
import { Client } from 'pg';
import request from 'supertest';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

/**
 * deploy/roles.sql as a deployment runs it: the app connects as a role that may only INSERT and
 * SELECT on the event store and the logs, migrations run as the owner. The file is run as it is,
 * with its role renamed so that runs on one server do not share a role.
 */
describe('database roles: the app role cannot rewrite the record', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  const role = `dispatch_app_test_${randomBytes(4).toString('hex')}`;
  let dbName: string;
  let ownerUrl: string;
  let appUrl: string;
  let app: NestFastifyApplication | undefined;
  let asApp: Client;

  beforeAll(async () => {
    const db = await createTestDatabase(adminUrl(), 'roles_test');
    dbName = db.name;
    ownerUrl = db.url;
    // Migrations as the owner (the app started with the owner's URL once, as on first deploy).
    const first = await createTestApp({ databaseUrl: ownerUrl });
    await first.close();
    const sql = readFileSync(join(process.cwd(), 'deploy', 'roles.sql'), 'utf8').replace(
      /\bdispatch_app\b/g,
      role,
    );
    const owner = new Client({ connectionString: ownerUrl });
    await owner.connect();
    await owner.query(sql);
    await owner.end();
    const u = new URL(ownerUrl);
    u.username = role;
    appUrl = u.toString();
    asApp = new Client({ connectionString: appUrl });
    await asApp.connect();
  });
  afterAll(async () => {
    await asApp?.end();
    await app?.close();
    await dropTestDatabase(adminUrl(), dbName);
    const admin = new Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS "${role}"`);
    await admin.end();
  });

  const refusedByPrivilege = async (sql: string) => {
    const error = (await asApp.query(sql).then(
      () => null,
      (e: unknown) => e,
    )) as { code?: string; message?: string } | null;
    expect(error).not.toBeNull();
    expect(error?.code).toBe('42501');
    return error?.message ?? '';
  };

  it('refuses UPDATE, DELETE and TRUNCATE on events and the logs with a permission error', async () => {
    for (const table of ['events', 'audit_log', 'access_log', 'login_attempts']) {
      // "permission denied", not the append-only trigger: the role never had the privilege.
      expect(await refusedByPrivilege(`UPDATE ${table} SET id = id WHERE false`)).toMatch(
        new RegExp(`permission denied for table ${table}`),
      );
      expect(await refusedByPrivilege(`DELETE FROM ${table} WHERE false`)).toMatch(
        /permission denied/,
      );
      expect(await refusedByPrivilege(`TRUNCATE ${table}`)).toMatch(/permission denied/);
    }
    expect(await refusedByPrivilege(`DELETE FROM event_stream_heads WHERE false`)).toMatch(
      /permission denied/,
    );
  });

  it('cannot switch the append-only triggers off', async () => {
    expect(await refusedByPrivilege(`SET session_replication_role = replica`)).toMatch(
      /permission denied/,
    );
    expect(await refusedByPrivilege(`ALTER TABLE events DISABLE TRIGGER ALL`)).toMatch(
      /must be owner/,
    );
  });

  it('runs the real app as that role (migrations as the owner): intake writes, verify reads', async () => {
    app = await createTestApp({ databaseUrl: appUrl, env: { DATABASE_MIGRATION_URL: ownerUrl } });
    const [user] = (await asApp.query('SELECT current_user AS u')).rows as Array<{ u: string }>;
    expect(user.u).toBe(role);
    const dispatcher = await userWithToken(app, 'dispatcher');
    const prosecutor = await userWithToken(app, 'prosecutor');
    const [yesil] = await districtIds(app, 'AST-YESIL');
    const call = await request(app.getHttpServer())
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: '+77015550101', districtId: yesil, address: 'ул. Ролевая 1, кв. 2' });
    expect(call.status).toBe(201);
    // The app's pool connects as the role, and its writes reached the event store.
    const [row] = (
      await asApp.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND datname = $2`,
        [role, dbName],
      )
    ).rows as Array<{ n: number }>;
    expect(row.n).toBeGreaterThan(1);
    const verify = await request(app.getHttpServer())
      .get('/api/v1/audit/verify')
      .auth(prosecutor.token, { type: 'bearer' });
    expect(verify.status).toBe(200);
    expect(verify.body.ok).toBe(true);
    expect(verify.body.eventsChecked).toBeGreaterThanOrEqual(3);
  });
});
