import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeClock } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

/** Pairs of one crew's assignments whose active periods overlap (none may exist). */
const OVERLAPS = `
  SELECT a.unit_id, a.id AS first, b.id AS second
  FROM assignments a JOIN assignments b ON a.unit_id = b.unit_id AND a.id <> b.id
  WHERE a.assigned_at <= b.assigned_at
    AND b.assigned_at < COALESCE(a.cleared_at, a.cancelled_at, 'infinity')
    AND a.unit_id = ANY($1)`;

describe('recorded times follow the order the database decided (crew and incident locks)', () => {
  let app: NestFastifyApplication;
  let clock: FakeClock;
  let admin: User;
  let dispatcher: User;
  let district: string;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  const unique = () => `${Date.now().toString(36)}${seq++}`;
  const bearer = (u: User) => ['Authorization', `Bearer ${u.token}`] as const;

  beforeAll(async () => {
    clock = new FakeClock(new Date());
    app = await createTestApp({ clock });
    [district] = await districtIds(app, 'ALA-MEDEU');
    admin = await userWithToken(app, 'admin', ['ALA-MEDEU']);
    dispatcher = await userWithToken(app, 'dispatcher', ['ALA-MEDEU']);
  });
  afterAll(async () => {
    await app.close();
  });

  async function crew(): Promise<string> {
    const res = await http()
      .post('/api/v1/units')
      .set(...bearer(admin))
      .send({ callSign: `TM-${unique()}`, districtId: district });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }
  async function incident(): Promise<string> {
    const res = await http()
      .post('/api/v1/calls')
      .set(...bearer(dispatcher))
      .send({
        callerPhone: `+7705${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`,
        districtId: district,
        address: `ул. Часовая ${unique()}`,
      });
    expect(res.status).toBe(201);
    return res.body.incidentId as string;
  }
  const assign = (incidentId: string, unitId: string) =>
    http()
      .post(`/api/v1/incidents/${incidentId}/assignments`)
      .set(...bearer(dispatcher))
      .send({ unitId });

  it('an assignment that waited for a lock while the crew was released starts after the release', async () => {
    const unitId = await crew();
    const [first, second] = [await incident(), await incident()];
    const a1 = await assign(first, unitId);
    expect(a1.status).toBe(201);

    // Another transaction holds the second incident's row lock (as a concurrent command would).
    const blocker = app.get(DataSource).createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    let reassign: Promise<request.Response> | undefined;
    try {
      await blocker.query(`SELECT id FROM incidents WHERE id = $1 FOR UPDATE`, [second]);
      // The assignment to the second incident arrives now and waits for that lock…
      reassign = assign(second, unitId).then((r) => r);
      await new Promise((r) => setTimeout(r, 300));
      // …while, a minute later, the crew is released from the first incident.
      clock.advance(60_000);
      const cancel = await http()
        .post(`/api/v1/assignments/${a1.body.assignmentId}/cancel`)
        .set(...bearer(dispatcher))
        .send({ reason: 'the caller was reached, no crew needed' });
      expect(cancel.status).toBe(200);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    const a2 = await reassign;
    expect(a2.status).toBe(201);
    expect(new Date(a2.body.assignedAt).getTime()).toBeGreaterThanOrEqual(clock.now().getTime());
    expect(await app.get(DataSource).query(OVERLAPS, [[unitId]])).toEqual([]);
  });

  it('a crew steps through many incidents under concurrent commands; its periods never overlap', async () => {
    const unitId = await crew();
    const incidents = await Promise.all(Array.from({ length: 6 }, () => incident()));
    for (const incidentId of incidents) {
      // Release (if assigned) and assign elsewhere at once; time moves while they run.
      const [active] = (await app
        .get(DataSource)
        .query(`SELECT id FROM assignments WHERE unit_id = $1 AND status = 'assigned'`, [
          unitId,
        ])) as Array<{ id: string }>;
      const ticking = setInterval(() => clock.advance(1_000), 2);
      try {
        await Promise.all([
          active
            ? http()
                .post(`/api/v1/assignments/${active.id}/cancel`)
                .set(...bearer(dispatcher))
                .send({ reason: 'released for the next call' })
            : Promise.resolve(),
          ...[0, 1, 2].map(() => assign(incidentId, unitId)),
        ]);
        // If every attempt came before the release, assign once more.
        const [still] = (await app
          .get(DataSource)
          .query(`SELECT id FROM assignments WHERE unit_id = $1 AND status = 'assigned'`, [
            unitId,
          ])) as Array<{ id: string }>;
        if (!still) expect((await assign(incidentId, unitId)).status).toBe(201);
      } finally {
        clearInterval(ticking);
      }
    }
    expect(await app.get(DataSource).query(OVERLAPS, [[unitId]])).toEqual([]);
  });

  it('a login attempt that waited for its lockout row is recorded at the time it was decided', async () => {
    const username = `timed.${unique()}`;
    const ds = app.get(DataSource);
    await ds.query(`INSERT INTO login_lockouts (username) VALUES ($1) ON CONFLICT DO NOTHING`, [
      username,
    ]);
    const blocker = ds.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    let attempt: Promise<request.Response> | undefined;
    try {
      await blocker.query(`SELECT 1 FROM login_lockouts WHERE username = $1 FOR UPDATE`, [
        username,
      ]);
      attempt = http()
        .post('/api/v1/auth/login')
        .send({ username, password: 'Not-The-Password-1' })
        .then((r) => r);
      // Long enough for the password check to finish and the attempt to queue on the row.
      await new Promise((r) => setTimeout(r, 2500));
      clock.advance(60_000);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect((await attempt)?.status).toBe(401);
    const [row] = (await ds.query(`SELECT at FROM login_attempts WHERE username = $1`, [
      username,
    ])) as Array<{ at: Date }>;
    expect(row.at.getTime()).toBe(clock.now().getTime());
  });
});
