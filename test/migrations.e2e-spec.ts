import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { revertLastMigrationLocked, runMigrationsLocked } from '@app/persistence';
import { createTestDatabase, dropTestDatabase } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { createTestApp } from './support/test-app';

describe('migrations at start-up', () => {
  const adminUrl = () => process.env.TEST_ADMIN_DATABASE_URL as string;
  let db: { name: string; url: string };

  beforeAll(async () => {
    db = await createTestDatabase(adminUrl(), 'migrations_test');
  });
  afterAll(async () => {
    await dropTestDatabase(adminUrl(), db.name);
  });

  it('lets three instances start at once on an empty database; each migration is applied once', async () => {
    const apps: NestFastifyApplication[] = await Promise.all(
      [1, 2, 3].map(() => createTestApp({ databaseUrl: db.url })),
    );
    try {
      for (const app of apps) {
        const res = await request(app.getHttpServer()).get('/api/v1/health/ready');
        expect(res.status).toBe(200);
        expect(res.body.migrations).toBe('applied');
      }
      const applied = await apps[0]
        .get(DataSource)
        .query(`SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY min(id)`);
      expect(applied).toEqual(migrations.map((m) => ({ name: m.name, n: 1 })));
    } finally {
      await Promise.all(apps.map((a) => a.close()));
    }
  });

  it('reverts the newest migration and applies it again', async () => {
    const ds = await new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
    try {
      await revertLastMigrationLocked(ds);
      expect(await ds.showMigrations()).toBe(true);
      const applied = await runMigrationsLocked(ds, () => undefined);
      expect(applied).toEqual([migrations[migrations.length - 1].name]);
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await ds.destroy();
    }
  });

  it('reports not ready while a migration is pending', async () => {
    const ds = await new DataSource({ type: 'postgres', url: db.url, migrations }).initialize();
    const app = await createTestApp({ databaseUrl: db.url });
    try {
      await revertLastMigrationLocked(ds);
      const res = await request(app.getHttpServer()).get('/api/v1/health/ready');
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ status: 'unavailable', database: 'up', migrations: 'pending' });
    } finally {
      await runMigrationsLocked(ds, () => undefined);
      await app.close();
      await ds.destroy();
    }
  });
});
