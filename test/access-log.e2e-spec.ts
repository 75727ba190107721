import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type Entry = {
  userId: string;
  username: string;
  at: string;
  ip: string | null;
  subjectType: string;
  subjectId: string | null;
  endpoint: string;
  outcome: string;
};

/** GET /audit/access-log: who looked at whom, including the reviewer's own reads; nobody deletes it. */
describe('access log', () => {
  let app: NestFastifyApplication;
  let dispatcher: Awaited<ReturnType<typeof userWithToken>>;
  let outsider: Awaited<ReturnType<typeof userWithToken>>;
  let prosecutor: Awaited<ReturnType<typeof userWithToken>>;
  let call: { id: string; incidentId: string };
  let personId: string;
  const http = () => request(app.getHttpServer());
  const iin = '791028302728';

  beforeAll(async () => {
    app = await createTestApp();
    dispatcher = await userWithToken(app, 'dispatcher');
    outsider = await userWithToken(app, 'dispatcher', ['ALA-ALMALY']);
    prosecutor = await userWithToken(app, 'prosecutor');
    const [yesil] = await districtIds(app, 'AST-YESIL');
    const res = await http().post('/api/v1/calls').auth(dispatcher.token, { type: 'bearer' }).send({
      callerPhone: '+77015550177',
      districtId: yesil,
      address: 'ул. Журнальная 7, кв. 1',
      victim: { iin },
    });
    expect(res.status).toBe(201);
    call = res.body as { id: string; incidentId: string };
    const [person] = (await app
      .get(DataSource)
      .query(`SELECT id FROM persons WHERE iin = $1`, [iin])) as Array<{ id: string }>;
    personId = person.id;
  });
  afterAll(async () => {
    await app.close();
  });

  const log = async (query: Record<string, string | number>) => {
    const res = await http()
      .get('/api/v1/audit/access-log')
      .query(query)
      .auth(prosecutor.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    return {
      entries: res.body as Entry[],
      next: res.headers['x-next-cursor'] as string | undefined,
    };
  };

  it("shows the reviewer's own reads of a person, a call and an incident: who, when, from where", async () => {
    const started = new Date().toISOString();
    const reads = [
      `/api/v1/persons?iin=${iin}`,
      `/api/v1/calls/${call.id}`,
      `/api/v1/incidents/${call.incidentId}`,
      `/api/v1/audit/incidents/${call.incidentId}/events`,
    ];
    for (const path of reads) {
      const res = await http().get(path).auth(prosecutor.token, { type: 'bearer' });
      expect([path, res.status]).toEqual([path, 200]);
    }
    const { entries } = await log({ userId: prosecutor.id, from: started });
    expect(entries.map((e) => [e.subjectType, e.subjectId, e.endpoint, e.outcome])).toEqual([
      ['incident', call.incidentId, 'GET /api/v1/audit/incidents/:id/events', 'granted'],
      ['incident', call.incidentId, 'GET /api/v1/incidents/:id', 'granted'],
      ['call', call.id, 'GET /api/v1/calls/:id', 'granted'],
      ['person', personId, 'GET /api/v1/persons', 'granted'],
    ]);
    for (const e of entries) {
      expect(e).toMatchObject({ userId: prosecutor.id, username: prosecutor.username });
      expect(e.ip).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(started));
    }
    // By person, by incident.
    const byPerson = await log({ personId });
    expect(byPerson.entries.some((e) => e.userId === prosecutor.id)).toBe(true);
    expect(byPerson.entries.every((e) => e.subjectId === personId)).toBe(true);
    const byIncident = await log({ incidentId: call.incidentId, userId: prosecutor.id });
    expect(byIncident.entries).toHaveLength(2);
  });

  it('shows refusals: another district, and a role that may not read the record', async () => {
    const other = await http()
      .get(`/api/v1/incidents/${call.incidentId}`)
      .auth(outsider.token, { type: 'bearer' });
    expect(other.status).toBe(404);
    const admin = await userWithToken(app, 'admin');
    const byRole = await http()
      .get(`/api/v1/incidents/${call.incidentId}`)
      .auth(admin.token, { type: 'bearer' });
    expect(byRole.status).toBe(403);
    const { entries } = await log({ incidentId: call.incidentId });
    const outcomes = entries.map((e) => [e.userId, e.outcome]);
    expect(outcomes).toContainEqual([outsider.id, 'denied']);
    expect(outcomes).toContainEqual([admin.id, 'denied']);
  });

  it('pages with a cursor, newest first, without gaps or repeats', async () => {
    for (let i = 0; i < 5; i++)
      await http().get(`/api/v1/calls/${call.id}`).auth(dispatcher.token, { type: 'bearer' });
    const all = (await log({ userId: dispatcher.id })).entries;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: Entry[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await log({ userId: dispatcher.id, limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.entries);
      cursor = page.next;
      if (!cursor) break;
      expect(page.entries).toHaveLength(2);
    }
    expect(seen).toEqual(all);
    const bad = await http()
      .get('/api/v1/audit/access-log?cursor=abc')
      .auth(prosecutor.token, { type: 'bearer' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].field).toBe('cursor');
  });

  it('refuses a cursor past the largest bigint with 400 naming cursor, never 500', async () => {
    for (const cursor of ['9999999999999999999', '9223372036854775808', '0']) {
      const res = await http()
        .get('/api/v1/audit/access-log')
        .query({ limit: 1, cursor })
        .auth(prosecutor.token, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.body.details[0].field).toBe('cursor');
    }
    // The largest id itself is a valid cursor: nothing is older than no entry at all.
    const max = await http()
      .get('/api/v1/audit/access-log')
      .query({ limit: 1, cursor: '9223372036854775807' })
      .auth(prosecutor.token, { type: 'bearer' });
    expect(max.status).toBe(200);
    expect(max.body).toEqual([]);
  });

  it('answers a reversed or empty range with 400 RANGE_INVALID on to, as the reports do', async () => {
    for (const [from, to] of [
      ['2026-12-01T00:00:00Z', '2026-01-01T00:00:00Z'],
      ['2026-12-01T00:00:00Z', '2026-12-01T05:00:00+05:00'],
    ]) {
      const res = await http()
        .get('/api/v1/audit/access-log')
        .query({ from, to })
        .auth(prosecutor.token, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('RANGE_INVALID');
      expect(res.body.details[0].field).toBe('to');
    }
    // One bound alone stays a filter.
    expect((await log({ from: '2000-01-01T00:00:00Z' })).entries.length).toBeGreaterThan(0);
  });

  it('cannot be deleted, changed or truncated, even by the database owner', async () => {
    const db = app.get(DataSource);
    await expect(
      db.query(`DELETE FROM access_log WHERE user_id = $1`, [prosecutor.id]),
    ).rejects.toThrow(/kept unchanged/);
    await expect(
      db.query(`UPDATE access_log SET ip = NULL WHERE user_id = $1`, [prosecutor.id]),
    ).rejects.toThrow(/kept unchanged/);
    await expect(db.query(`TRUNCATE access_log CASCADE`)).rejects.toThrow(/kept unchanged/);
    expect((await log({ userId: prosecutor.id })).entries.length).toBeGreaterThanOrEqual(4);
    // And there is no route to delete it: the document lists no write on /audit.
    const doc = (await http().get('/api/docs-json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const auditWrites = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1/audit'))
      .flatMap(([p, ops]) =>
        Object.keys(ops)
          .filter((m) => m !== 'get')
          .map((m) => `${m} ${p}`),
      );
    expect(auditWrites).toEqual([]);
  });
});
