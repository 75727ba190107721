import { CommandBus } from '@nestjs/cqrs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '@app/kz';
import { createTestDatabase, dropTestDatabase } from '@app/testing';
import { DataSource } from 'typeorm';
import { UserRepository } from '../src/modules/identity/application/ports/user.repository';
import { seedDemo } from '../src/seed/demo-seed';
import { createTestApp } from './support/test-app';

describe('demo seed: instances starting at once on an empty database', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let db: { name: string; url: string };
  let apps: NestFastifyApplication[] = [];

  beforeAll(async () => {
    db = await createTestDatabase(adminUrl(), 'seed_race_test');
    apps = await Promise.all([1, 2].map(() => createTestApp({ databaseUrl: db.url })));
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.close()));
    await dropTestDatabase(adminUrl(), db.name);
  });

  const seed = (app: NestFastifyApplication) =>
    seedDemo(
      {
        dataSource: app.get(DataSource),
        commands: app.get(CommandBus),
        users: app.get(UserRepository),
        clock: app.get(Clock),
      },
      'Demo-Password-For-Race-1',
    );

  it('both seeds succeed, and each demo user and crew exists exactly once', async () => {
    const results = await Promise.all([seed(apps[0]), seed(apps[1]), seed(apps[0])]);
    const created = results.flatMap((r) => r.createdUsers).sort();
    expect(created).toEqual(
      [
        'admin',
        'admin2',
        'dispatcher',
        'dispatcher.almaty',
        'inspector',
        'prosecutor',
        'supervisor',
      ].sort(),
    );
    const ds = apps[0].get(DataSource);
    const users = (await ds.query(
      `SELECT username, count(*)::int AS n FROM users GROUP BY username`,
    )) as Array<{ username: string; n: number }>;
    expect(users.map((u) => u.username).sort()).toEqual(created);
    expect(users.every((u) => u.n === 1)).toBe(true);
    const [{ crews, distinct }] = (await ds.query(
      `SELECT count(*)::int AS crews, count(DISTINCT call_sign)::int AS distinct FROM units`,
    )) as Array<{ crews: number; distinct: number }>;
    expect(crews).toBe(distinct);
    expect(results.reduce((sum, r) => sum + r.createdCrews, 0)).toBe(crews);
    expect(crews).toBeGreaterThan(0);
  });
});
