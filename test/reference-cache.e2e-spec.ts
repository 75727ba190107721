import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ReferenceCache } from '../src/modules/policy/application/reference-cache';
import { RuleSetRepository } from '../src/modules/policy/application/rule-set.repository';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

/**
 * Issue 8: rule sets and passphrases are cached in each instance. A write on one instance, or by
 * hand in SQL, must reach every instance's cache through the tables' NOTIFY, not after the TTL.
 */
describe('reference cache: refreshed on every instance when rule sets or passphrases change', () => {
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  let adminA: User;
  let dispatcherB: User;
  let district: string;
  let seq = 0;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp();
    [district] = await districtIds(a, 'AST-BAIKONYR');
    adminA = await userWithToken(a, 'admin', ['AST-BAIKONYR']);
    dispatcherB = await userWithToken(b, 'dispatcher', ['AST-BAIKONYR']);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const callOnB = (transcript: string) =>
    request(b.getHttpServer())
      .post('/api/v1/calls')
      .auth(dispatcherB.token, { type: 'bearer' })
      .send({
        callerPhone: `+7701777${String(seq++).padStart(4, '0')}`,
        districtId: district,
        address: `ул. Кэша ${seq}`,
        transcript,
      });

  /** Polls until `check` holds; the notification travels asynchronously, within milliseconds. */
  async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
    const until = Date.now() + ms;
    for (;;) {
      if (await check()) return true;
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a passphrase created on instance A is recognised by instance B', async () => {
    const transcript = 'скажите, а шерстяные носки уже связали?';
    // B has the passphrases cached before the change.
    const before = await callOnB(transcript);
    expect(before.status).toBe(201);
    expect(before.body.coded).toBe(false);
    const created = await request(a.getHttpServer())
      .post('/api/v1/passphrases')
      .auth(adminA.token, { type: 'bearer' })
      .send({
        text: 'Шерстяные носки уже связали?',
        language: 'ru',
        districtIds: [district],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
      });
    expect(created.status).toBe(201);
    expect(await eventually(async () => (await callOnB(transcript)).body.coded === true)).toBe(
      true,
    );
  });

  it('a passphrase ended by hand in SQL stops matching on B', async () => {
    const transcript = 'а у вас ещё продаются зелёные огурцы?';
    const created = await request(a.getHttpServer())
      .post('/api/v1/passphrases')
      .auth(adminA.token, { type: 'bearer' })
      .send({
        text: 'Продаются ли зелёные огурцы?',
        language: 'ru',
        districtIds: [district],
        validFrom: new Date(Date.now() - 60_000).toISOString(),
      });
    expect(created.status).toBe(201);
    expect(await eventually(async () => (await callOnB(transcript)).body.coded === true)).toBe(
      true,
    );
    await a
      .get(DataSource)
      .query(`UPDATE passphrases SET valid_to = now() - interval '1 second' WHERE id = $1`, [
        created.body.id,
      ]);
    expect(await eventually(async () => (await callOnB(transcript)).body.coded === false)).toBe(
      true,
    );
  });

  it('a rule set written in SQL is in force on B at once', async () => {
    const repo = b.get(RuleSetRepository);
    const ds = b.get(DataSource);
    const far = new Date('2099-01-01T00:00:00Z');
    await expect(repo.activeAt(ds.manager, 'cache-test', far)).rejects.toMatchObject({
      code: 'RULE_SET_MISSING',
    });
    await a.get(DataSource).query(
      `INSERT INTO rule_sets (kind, version, valid_from, description, values)
       VALUES ('cache-test', 'v1', '2098-01-01T00:00:00Z', 'cache test',
               '{"x": {"value": 7, "citation": "test"}}')`,
    );
    try {
      expect(
        await eventually(async () =>
          repo.activeAt(ds.manager, 'cache-test', far).then(
            (r) => r.number('x') === 7,
            () => false,
          ),
        ),
      ).toBe(true);
    } finally {
      await a.get(DataSource).query(`DELETE FROM rule_sets WHERE kind = 'cache-test'`);
    }
  });

  it('refills an emptied cache under more concurrent calls than pooled connections', async () => {
    // Every call's transaction needs the rule sets; a refill that waited for a pooled connection
    // while the callers' transactions held all of them would hang the instance for good.
    const c = await createTestApp({ env: { DB_POOL_SIZE: '2' } });
    try {
      const dispatcherC = await userWithToken(c, 'dispatcher', ['AST-BAIKONYR']);
      c.get(ReferenceCache).invalidate();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          request(c.getHttpServer())
            .post('/api/v1/calls')
            .auth(dispatcherC.token, { type: 'bearer' })
            .timeout(8000)
            .send({
              callerPhone: `+7701888${String(i).padStart(4, '0')}`,
              districtId: district,
              address: `ул. Пула ${i}`,
            })
            .then(
              (r) => r.status,
              () => 'timed out',
            ),
        ),
      );
      expect(results).toEqual(Array.from({ length: 12 }, () => 201));
    } finally {
      await c.close();
    }
  }, 30_000);
});
