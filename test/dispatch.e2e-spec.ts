import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

describe('dispatch: queue, crews, recommendations, assignment and the status timeline', () => {
  let app: NestFastifyApplication;
  let admin: User;
  let dispatcher: User;
  let d: Record<string, string>;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  const unique = () => `${Date.now().toString(36)}${seq++}`;

  beforeAll(async () => {
    app = await createTestApp();
    const codes = [
      'ALA-TURKSIB',
      'ALA-MEDEU',
      'ALA-AUEZOV',
      'ALA-ALMALY',
      'ALA-BOSTANDYK',
      'AST-YESIL',
    ];
    const ids = await districtIds(app, ...codes);
    d = Object.fromEntries(codes.map((c, i) => [c, ids[i]]));
    admin = await userWithToken(app, 'admin', ['ALA-ALMALY']);
    dispatcher = await userWithToken(app, 'dispatcher', codes.slice(0, 5));
  });
  afterAll(async () => {
    await app.close();
  });

  const bearer = (user: User) => ['Authorization', `Bearer ${user.token}`] as const;

  async function unit(
    district: string,
    location?: { lat: number; lon: number; ageSeconds?: number },
  ) {
    const res = await http()
      .post('/api/v1/units')
      .set(...bearer(admin))
      .send({ callSign: `T-${unique()}`, districtId: district });
    expect(res.status).toBe(201);
    if (location) {
      const at = new Date(Date.now() - (location.ageSeconds ?? 0) * 1000).toISOString();
      const loc = await http()
        .post(`/api/v1/units/${res.body.id}/location`)
        .set(...bearer(dispatcher))
        .send({ lat: location.lat, lon: location.lon, at });
      expect(loc.status).toBe(200);
    }
    return res.body as { id: string; callSign: string; districtId: string; status: string };
  }

  async function call(
    district: string,
    body: Record<string, unknown> = {},
    user: User = dispatcher,
  ) {
    const res = await http()
      .post('/api/v1/calls')
      .set(...bearer(user))
      .send({
        callerPhone: `+7702${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`,
        districtId: district,
        address: `ул. Диспетчерская ${unique()}`,
        ...body,
      });
    expect(res.status).toBe(201);
    return res.body as { id: string; incidentId: string; priority: number };
  }

  const assign = (incidentId: string, unitId: string, user: User = dispatcher) =>
    http()
      .post(`/api/v1/incidents/${incidentId}/assignments`)
      .set(...bearer(user))
      .send({ unitId });
  const step = (assignmentId: string, status: string, at?: string) =>
    http()
      .post(`/api/v1/assignments/${assignmentId}/status`)
      .set(...bearer(dispatcher))
      .send({ status, ...(at ? { at } : {}) });

  describe('crews', () => {
    it('creates a crew; a taken call sign is 409; only admins create', async () => {
      const u = await unit(d['ALA-TURKSIB']);
      expect(u).toMatchObject({ districtId: d['ALA-TURKSIB'], status: 'available' });
      const again = await http()
        .post('/api/v1/units')
        .set(...bearer(admin))
        .send({ callSign: u.callSign, districtId: d['ALA-TURKSIB'] });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('CALL_SIGN_TAKEN');
      const byDispatcher = await http()
        .post('/api/v1/units')
        .set(...bearer(dispatcher))
        .send({ callSign: `X-${unique()}`, districtId: d['ALA-TURKSIB'] });
      expect(byDispatcher.status).toBe(403);
    });

    it('keeps the newest position when an older one arrives late', async () => {
      const u = await unit(d['ALA-TURKSIB'], { lat: 43.3, lon: 76.95 });
      const late = await http()
        .post(`/api/v1/units/${u.id}/location`)
        .set(...bearer(dispatcher))
        .send({ lat: 43.1, lon: 76.8, at: new Date(Date.now() - 3_600_000).toISOString() });
      expect(late.body).toMatchObject({ applied: false, lat: 43.3, lon: 76.95 });
    });

    it('lists crews of the caller’s districts by status', async () => {
      const u = await unit(d['ALA-TURKSIB']);
      const res = await http()
        .get(`/api/v1/units?districtId=${d['ALA-TURKSIB']}&status=available`)
        .set(...bearer(dispatcher));
      expect(res.status).toBe(200);
      expect(res.body.map((x: { id: string }) => x.id)).toContain(u.id);
      const other = await http()
        .get(`/api/v1/units?districtId=${d['AST-YESIL']}`)
        .set(...bearer(admin));
      expect(other.status).toBe(403);
    });
  });

  describe('queue', () => {
    it('orders by priority, then overdue, then waiting time; dispatched incidents leave it', async () => {
      const district = d['ALA-TURKSIB'];
      const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();
      const p4 = await call(district, { receivedAt: ago(3000) });
      const p2fresh = await call(district, {
        receivedAt: ago(30),
        risk: { weapon: true, injuries: true },
      });
      const p3 = await call(district, {
        receivedAt: ago(900),
        risk: { childrenPresent: true, alcoholOrDrugs: true },
      });
      const p2aged = await call(district, {
        receivedAt: ago(600),
        risk: { weapon: true, injuries: true },
      });
      const p1 = await call(district, { coded: true });
      expect([p1, p2fresh, p2aged, p3, p4].map((c) => c.priority)).toEqual([1, 2, 2, 3, 4]);
      const res = await http()
        .get(`/api/v1/dispatch/queue?districtId=${district}&limit=1000`)
        .set(...bearer(dispatcher));
      expect(res.status).toBe(200);
      const mine = new Set([p1, p2fresh, p2aged, p3, p4].map((c) => c.incidentId));
      const order = res.body.filter((q: { incidentId: string }) => mine.has(q.incidentId));
      expect(order.map((q: { incidentId: string }) => q.incidentId)).toEqual(
        [p1, p2aged, p2fresh, p3, p4].map((c) => c.incidentId),
      );
      expect(order[1]).toMatchObject({
        priority: 2,
        overdue: true,
        coded: false,
        districtId: district,
      });
      expect(order[1].waitingSeconds).toBeGreaterThanOrEqual(600);
      expect(order[2]).toMatchObject({ overdue: false });
      // Coded, nobody asked the risk questions: P1 but not_assessed, never "low".
      expect(order[0]).toMatchObject({
        coded: true,
        riskLevel: 'not_assessed',
        reasons: [expect.stringMatching(/^Coded call/)],
      });

      const crew = await unit(district);
      expect((await assign(p1.incidentId, crew.id)).status).toBe(201);
      const after = await http()
        .get(`/api/v1/dispatch/queue?districtId=${district}`)
        .set(...bearer(dispatcher));
      expect(after.body.map((q: { incidentId: string }) => q.incidentId)).not.toContain(
        p1.incidentId,
      );
    });

    it('refuses a queue of a district the caller does not serve', async () => {
      const res = await http()
        .get(`/api/v1/dispatch/queue?districtId=${d['AST-YESIL']}`)
        .set(...bearer(dispatcher));
      expect(res.status).toBe(403);
    });
  });

  describe('assignment', () => {
    it('lets exactly one of twenty racing dispatchers have a crew; the crew stays consistent', async () => {
      const district = d['ALA-MEDEU'];
      const crew = await unit(district);
      const dispatchers = await Promise.all(
        Array.from({ length: 20 }, () => userWithToken(app, 'dispatcher', ['ALA-MEDEU'])),
      );
      const incidents = await Promise.all(dispatchers.map((u) => call(district, {}, u)));
      const results = await Promise.all(
        dispatchers.map((u, i) => assign(incidents[i].incidentId, crew.id, u)),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(19);
      for (const r of results.filter((x) => x.status === 409))
        expect(r.body.code).toBe('UNIT_NOT_AVAILABLE');
      const db = app.get(DataSource);
      const [state] = await db.query(
        `SELECT u.status, (SELECT count(*)::int FROM assignments a WHERE a.unit_id = u.id) AS assignments,
                (SELECT count(*)::int FROM incidents i WHERE i.id = ANY($2::uuid[]) AND i.status = 'dispatched') AS dispatched
         FROM units u WHERE u.id = $1`,
        [crew.id, incidents.map((i) => i.incidentId)],
      );
      expect(state).toEqual({ status: 'dispatched', assignments: 1, dispatched: 1 });
    });

    it('walks en route → on scene → cleared with timestamps; clearing frees the crew', async () => {
      const district = d['ALA-BOSTANDYK'];
      const crew = await unit(district);
      const c = await call(district);
      const assigned = await assign(c.incidentId, crew.id);
      expect(assigned.status).toBe(201);
      expect(assigned.body).toMatchObject({ assignmentId: expect.any(String), status: 'assigned' });
      const id = assigned.body.assignmentId;
      const t0 = Date.now();
      const enRoute = await step(id, 'en_route', new Date(t0 + 1000).toISOString());
      expect(enRoute.body).toMatchObject({
        status: 'en_route',
        enRouteAt: new Date(t0 + 1000).toISOString(),
      });
      const onScene = await step(id, 'on_scene', new Date(t0 + 2000).toISOString());
      expect(onScene.body.status).toBe('on_scene');
      let incident = await http()
        .get(`/api/v1/incidents/${c.incidentId}`)
        .set(...bearer(dispatcher));
      expect(incident.body.status).toBe('on_scene');
      const cleared = await step(id, 'cleared', new Date(t0 + 3000).toISOString());
      expect(cleared.body).toMatchObject({
        status: 'cleared',
        clearedAt: new Date(t0 + 3000).toISOString(),
      });
      const crewNow = await http()
        .get(`/api/v1/units?districtId=${district}`)
        .set(...bearer(dispatcher));
      expect(crewNow.body.find((u: { id: string }) => u.id === crew.id).status).toBe('available');
      incident = await http()
        .get(`/api/v1/incidents/${c.incidentId}`)
        .set(...bearer(dispatcher));
      expect(incident.body.status).toBe('cleared');
      expect(incident.body.timeline.map((e: { type: string }) => e.type)).toEqual([
        'CallRegistered',
        'IncidentOpened',
        'UnitAssigned',
        'UnitEnRoute',
        'UnitOnScene',
        'UnitCleared',
      ]);
      const closed = await http()
        .post(`/api/v1/incidents/${c.incidentId}/close`)
        .set(...bearer(dispatcher))
        .send({ disposition: 'warning' });
      expect(closed.status).toBe(200);
      expect(closed.body).toEqual({ id: c.incidentId, status: 'closed', disposition: 'warning' });
      const again = await http()
        .post(`/api/v1/incidents/${c.incidentId}/close`)
        .set(...bearer(dispatcher))
        .send({ disposition: 'warning' });
      expect(again.status).toBe(409);
    });

    it('refuses an impossible order with 409 INVALID_TRANSITION and changes nothing', async () => {
      const district = d['ALA-BOSTANDYK'];
      const crew = await unit(district);
      const c = await call(district);
      const id = (await assign(c.incidentId, crew.id)).body.assignmentId;
      const db = app.get(DataSource);
      const snapshot = async () =>
        db.query(
          `SELECT a.status, a.en_route_at, a.cleared_at, u.status AS unit_status, i.status AS incident_status,
                  (SELECT count(*)::int FROM events e WHERE e.stream_id = i.id::text) AS events
           FROM assignments a JOIN units u ON u.id = a.unit_id JOIN incidents i ON i.id = a.incident_id WHERE a.id = $1`,
          [id],
        );
      const before = await snapshot();
      const res = await step(id, 'cleared');
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('INVALID_TRANSITION');
      expect(await snapshot()).toEqual(before);
      expect((await step(id, 'on_scene')).status).toBe(409);
      expect((await step(id, 'en_route')).status).toBe(200);
      expect((await step(id, 'en_route')).status).toBe(409);
      const backwards = await step(id, 'on_scene', new Date(Date.now() - 3_600_000).toISOString());
      expect(backwards.status).toBe(400);
      expect(backwards.body.details[0]).toMatchObject({
        field: 'at',
        code: 'BEFORE_RECEIVED',
      });
    });

    it('refuses a dispatch dated before the call, and a late entry without its reason', async () => {
      const district = d['ALA-BOSTANDYK'];
      const crew = await unit(district);
      const received = Date.now() - 2 * 3_600_000;
      const c = await call(district, { receivedAt: new Date(received).toISOString() });
      const before = await http()
        .post(`/api/v1/incidents/${c.incidentId}/assignments`)
        .set(...bearer(dispatcher))
        .send({ unitId: crew.id, at: new Date(received - 60_000).toISOString() });
      expect(before.status).toBe(400);
      expect(before.body.details[0]).toMatchObject({ field: 'at', code: 'BEFORE_RECEIVED' });
      const late = { unitId: crew.id, at: new Date(received + 60_000).toISOString() };
      const noReason = await http()
        .post(`/api/v1/incidents/${c.incidentId}/assignments`)
        .set(...bearer(dispatcher))
        .send(late);
      expect(noReason.status).toBe(422);
      expect(noReason.body.code).toBe('BACKDATE_REASON_REQUIRED');
      const withReason = await http()
        .post(`/api/v1/incidents/${c.incidentId}/assignments`)
        .set(...bearer(dispatcher))
        .send({ ...late, backdateReason: 'radio log entered after the shift' });
      expect(withReason.status).toBe(201);
      const [row] = await app
        .get(DataSource)
        .query(`SELECT assigned_at, backdate_reason FROM assignments WHERE id = $1`, [
          withReason.body.assignmentId,
        ]);
      expect(row).toEqual({
        assigned_at: new Date(received + 60_000),
        backdate_reason: 'radio log entered after the shift',
      });
    });

    it('records a cancellation and a reassignment instead of overwriting', async () => {
      const district = d['ALA-BOSTANDYK'];
      const [first, second] = [await unit(district), await unit(district)];
      const c = await call(district);
      const id = (await assign(c.incidentId, first.id)).body.assignmentId;
      const res = await http()
        .post(`/api/v1/assignments/${id}/cancel`)
        .set(...bearer(dispatcher))
        .send({ reason: 'crew closer to the scene became free', reassignTo: second.id });
      expect(res.status).toBe(200);
      expect(res.body.cancelled).toMatchObject({
        assignmentId: id,
        status: 'cancelled',
        cancelledAt: expect.any(String),
      });
      expect(res.body.replacement).toMatchObject({ unitId: second.id, status: 'assigned' });
      const rows = await app
        .get(DataSource)
        .query(
          `SELECT unit_id, status, cancel_reason FROM assignments WHERE incident_id = $1 ORDER BY created_at`,
          [c.incidentId],
        );
      expect(rows).toEqual([
        {
          unit_id: first.id,
          status: 'cancelled',
          cancel_reason: 'crew closer to the scene became free',
        },
        { unit_id: second.id, status: 'assigned', cancel_reason: null },
      ]);
      const units = await http()
        .get(`/api/v1/units?districtId=${district}`)
        .set(...bearer(dispatcher));
      expect(units.body.find((u: { id: string }) => u.id === first.id).status).toBe('available');
      const closeWhileActive = await http()
        .post(`/api/v1/incidents/${c.incidentId}/close`)
        .set(...bearer(dispatcher))
        .send({ disposition: 'warning' });
      expect(closeWhileActive.status).toBe(409);
      expect(closeWhileActive.body.code).toBe('ASSIGNMENTS_ACTIVE');
      const offDuty = await http()
        .post(`/api/v1/units/${second.id}/status`)
        .set(...bearer(dispatcher))
        .send({ status: 'off_duty' });
      expect(offDuty.status).toBe(409);
      expect(offDuty.body.code).toBe('UNIT_BUSY');
    });

    it('refuses an off-duty crew and an unknown disposition', async () => {
      const district = d['ALA-BOSTANDYK'];
      const crew = await unit(district);
      await http()
        .post(`/api/v1/units/${crew.id}/status`)
        .set(...bearer(dispatcher))
        .send({ status: 'off_duty' })
        .expect(200);
      const c = await call(district);
      const res = await assign(c.incidentId, crew.id);
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('UNIT_NOT_AVAILABLE');
      const close = await http()
        .post(`/api/v1/incidents/${c.incidentId}/close`)
        .set(...bearer(dispatcher))
        .send({ disposition: 'vanished' });
      expect(close.status).toBe(400);
      expect(close.body.details[0].field).toBe('disposition');
    });
  });

  describe('recommendations', () => {
    type Row = { eligible: boolean; distanceMeters: number | null };
    /** Every eligible crew before every ineligible one; eligible ones nearest first. */
    function expectAvailableFirstByDistance(body: Row[]) {
      const firstIneligible = body.findIndex((r) => !r.eligible);
      if (firstIneligible >= 0)
        expect(body.slice(firstIneligible).every((r) => !r.eligible)).toBe(true);
      const distances = body.filter((r) => r.eligible).map((r) => r.distanceMeters as number);
      expect(distances).toEqual([...distances].sort((a, b) => a - b));
    }

    it('ranks own-district crews by distance, lists stale ones with a reason, lends neighbours only when needed', async () => {
      const scene = { lat: 43.22, lon: 76.85 };
      const near = await unit(d['ALA-AUEZOV'], { lat: 43.2245, lon: 76.85 });
      const stale = await unit(d['ALA-AUEZOV'], { lat: 43.2201, lon: 76.8501, ageSeconds: 900 });
      const blind = await unit(d['ALA-AUEZOV']); // never reported a position
      const neighbour = await unit(d['ALA-ALMALY'], { lat: 43.221, lon: 76.85 });
      const c = await call(d['ALA-AUEZOV'], scene);
      const first = await http()
        .get(`/api/v1/incidents/${c.incidentId}/recommendations`)
        .set(...bearer(dispatcher));
      expect(first.status).toBe(200);
      const byId = (body: Array<{ unitId: string; locationAgeSeconds?: number }>, id: string) =>
        body.find((r) => r.unitId === id);
      expect(first.body[0]).toMatchObject({
        unitId: near.id,
        eligible: true,
        callSign: near.callSign,
      });
      expect(first.body[0].distanceMeters).toBeGreaterThan(450);
      expect(first.body[0].distanceMeters).toBeLessThan(550);
      expect(first.body[0].locationAgeSeconds).toBeLessThan(60);
      expect(byId(first.body, stale.id)).toMatchObject({
        eligible: false,
        reasonCode: 'location_stale',
        distanceMeters: null,
        reason: expect.stringMatching(/old \(limit 300 s\)/),
      });
      expect(byId(first.body, stale.id)?.locationAgeSeconds).toBeGreaterThanOrEqual(900);
      expect(byId(first.body, blind.id)).toMatchObject({
        eligible: false,
        reasonCode: 'no_position',
        locationAgeSeconds: null,
      });
      expect(first.body[0].reasonCode).toBe('available');
      expect(byId(first.body, neighbour.id)).toBeUndefined();
      expectAvailableFirstByDistance(first.body);

      // Take every own-district crew that could go; a neighbour is then offered, with why.
      const own = (
        await http()
          .get(`/api/v1/units?districtId=${d['ALA-AUEZOV']}&status=available`)
          .set(...bearer(dispatcher))
      ).body as Array<{ id: string }>;
      for (const u of own)
        if (u.id !== stale.id && u.id !== blind.id)
          expect((await assign((await call(d['ALA-AUEZOV'])).incidentId, u.id)).status).toBe(201);
      const second = await http()
        .get(`/api/v1/incidents/${c.incidentId}/recommendations`)
        .set(...bearer(dispatcher));
      const lent = byId(second.body, neighbour.id);
      expect(lent).toMatchObject({
        eligible: true,
        districtId: d['ALA-ALMALY'],
        reasonCode: 'neighbour_district',
        reason: expect.stringMatching(/^No crew free/),
      });
      // The own district's crews that cannot go are still listed, with why, never dropped.
      expect(byId(second.body, stale.id)).toMatchObject({
        eligible: false,
        reasonCode: 'location_stale',
      });
      expect(byId(second.body, blind.id)).toMatchObject({
        eligible: false,
        reasonCode: 'no_position',
      });
      expectAvailableFirstByDistance(second.body);
      expect(second.body.filter((r: { eligible: boolean }) => r.eligible)[0].unitId).toBe(
        neighbour.id,
      );
      expect((await assign(c.incidentId, neighbour.id)).status).toBe(201);
    });
  });

  describe('risk assessment', () => {
    it('re-scores and re-queues; unknown answers are refused', async () => {
      const c = await call(d['ALA-TURKSIB']);
      expect(c.priority).toBe(4);
      const res = await http()
        .post(`/api/v1/incidents/${c.incidentId}/risk-assessment`)
        .set(...bearer(dispatcher))
        .send({ answers: { strangulation: true, threatsToKill: true, weapon: true } });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        priority: 1,
        riskLevel: 'extreme',
        reasons: expect.arrayContaining(['Strangulation or choking.']),
      });
      const queue = await http()
        .get(`/api/v1/dispatch/queue?districtId=${d['ALA-TURKSIB']}`)
        .set(...bearer(dispatcher));
      expect(
        queue.body.find((q: { incidentId: string }) => q.incidentId === c.incidentId).priority,
      ).toBe(1);
      const bad = await http()
        .post(`/api/v1/incidents/${c.incidentId}/risk-assessment`)
        .set(...bearer(dispatcher))
        .send({ answers: { astrology: true } });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('answers.astrology');
    });
  });
});
