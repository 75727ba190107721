import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type Session = Awaited<ReturnType<typeof userWithToken>>;

let seq = 0;
/** A valid IIN no other test uses (birth date 1985-03-15, a fresh serial). */
function freshIin(): string {
  for (;;) {
    seq += 1;
    const serial = String((Date.now() + seq * 7919) % 10000).padStart(4, '0');
    const first11 = `8503154${serial}`;
    const check = iinCheckDigit(first11);
    if (check !== null) return `${first11}${check}`;
  }
}

describe('who may see what', () => {
  let app: NestFastifyApplication;
  let astana: Session;
  let almaty: Session;
  let admin: Session;
  let yesil: string;
  let almaly: string;
  const http = () => request(app.getHttpServer());
  const as = (s: Session) => ({ Authorization: `Bearer ${s.token}` });
  const callerPhone = () =>
    `+7702${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`;
  const address = () => `ул. Доступа ${Date.now() % 100000}-${seq++}`;
  const postCall = (user: Session, districtId: string, extra: Record<string, unknown> = {}) =>
    http()
      .post('/api/v1/calls')
      .set(as(user))
      .send({ callerPhone: callerPhone(), districtId, address: address(), ...extra });
  const accessLog = (userId: string, subjectId: string) =>
    app
      .get(DataSource)
      .query(
        `SELECT subject_type, outcome, endpoint FROM access_log WHERE user_id = $1 AND subject_id = $2 ORDER BY id`,
        [userId, subjectId],
      ) as Promise<Array<{ subject_type: string; outcome: string; endpoint: string }>>;

  beforeAll(async () => {
    app = await createTestApp();
    [yesil, almaly] = await districtIds(app, 'AST-YESIL', 'ALA-ALMALY');
    astana = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
    almaty = await userWithToken(app, 'dispatcher', ['ALA-ALMALY']);
    admin = await userWithToken(app, 'admin', ['AST-YESIL', 'ALA-ALMALY']);
  });
  afterAll(async () => {
    await app.close();
  });

  describe('person details across districts', () => {
    it('naming an IIN in a new call does not unlock what another district recorded', async () => {
      const iin = freshIin();
      const name = 'Сауле Астанинова';
      const phone = '+77015550123';
      const recorded = await postCall(astana, yesil, { victim: { iin, fullName: name, phone } });
      expect(recorded.status).toBe(201);
      // Almaty knows nothing yet: the person is not shown at all.
      const before = await http().get(`/api/v1/persons?iin=${iin}`).set(as(almaty));
      expect(before.status).toBe(404);

      const named = await postCall(almaty, almaly, { victim: { iin } });
      expect(named.status).toBe(201);
      const res = await http().get(`/api/v1/persons?iin=${iin}`).set(as(almaty));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ iin, fullName: null, phone: null });
      expect(JSON.stringify(res.body)).not.toContain(name);
      expect(JSON.stringify(res.body)).not.toContain(phone);
      expect(res.body.history.incidents.map((i: { id: string }) => i.id)).toEqual([
        named.body.incidentId,
      ]);
      // Risk signals may cross districts: that there is history elsewhere, not what it says.
      expect(res.body.history.incidentsInOtherDistricts).toBe(1);

      // Astana still sees what Astana recorded, and not what Almaty adds later.
      await postCall(almaty, almaly, {
        victim: { iin, fullName: 'Другое Имя', phone: '+77015550999' },
      });
      const mine = await http().get(`/api/v1/persons?iin=${iin}`).set(as(astana));
      expect(mine.body).toMatchObject({ fullName: name, phone });
      expect(mine.body.history.incidentsInOtherDistricts).toBe(2);
      const theirs = await http().get(`/api/v1/persons?iin=${iin}`).set(as(almaty));
      expect(theirs.body).toMatchObject({ fullName: 'Другое Имя', phone: '+77015550999' });
    });

    it('an admin reading a person is refused, and the refusal is access-logged', async () => {
      const iin = freshIin();
      await postCall(astana, yesil, { victim: { iin, fullName: 'Админ Неувидит' } });
      const res = await http().get(`/api/v1/persons?iin=${iin}`).set(as(admin));
      expect(res.status).toBe(403);
      const rows = await app
        .get(DataSource)
        .query(
          `SELECT subject_type, query, outcome, endpoint FROM access_log WHERE user_id = $1 AND subject_type = 'person'`,
          [admin.id],
        );
      expect(rows).toContainEqual({
        subject_type: 'person',
        query: 'iin',
        outcome: 'denied',
        endpoint: 'GET /api/v1/persons',
      });
      const call = await postCall(astana, yesil);
      const incident = await http().get(`/api/v1/incidents/${call.body.incidentId}`).set(as(admin));
      expect(incident.status).toBe(403);
      expect(await accessLog(admin.id, call.body.incidentId)).toEqual([
        { subject_type: 'incident', outcome: 'denied', endpoint: 'GET /api/v1/incidents/:id' },
      ]);
    });
  });

  describe('objects outside the caller’s districts answer as unknown ids', () => {
    let foreign: { incidentId: string; callId: string; unitId: string; assignmentId: string };

    beforeAll(async () => {
      const call = await postCall(astana, yesil);
      expect(call.status).toBe(201);
      const unit = await http()
        .post('/api/v1/units')
        .set(as(admin))
        .send({ callSign: `ACC-${Date.now() % 100000}-${seq++}`, districtId: yesil });
      expect(unit.status).toBe(201);
      const assigned = await http()
        .post(`/api/v1/incidents/${call.body.incidentId}/assignments`)
        .set(as(astana))
        .send({ unitId: unit.body.id });
      expect(assigned.status).toBe(201);
      foreign = {
        incidentId: call.body.incidentId,
        callId: call.body.id,
        unitId: unit.body.id,
        assignmentId: assigned.body.assignmentId,
      };
    });

    const routes: Array<{
      name: string;
      subject: keyof typeof foreign;
      type: string;
      send: (id: string) => request.Test;
    }> = [
      {
        name: 'GET /incidents/:id',
        subject: 'incidentId',
        type: 'incident',
        send: (id) => http().get(`/api/v1/incidents/${id}`),
      },
      {
        name: 'GET /incidents/:id/recommendations',
        subject: 'incidentId',
        type: 'incident',
        send: (id) => http().get(`/api/v1/incidents/${id}/recommendations`),
      },
      {
        name: 'POST /incidents/:id/risk-assessment',
        subject: 'incidentId',
        type: 'incident',
        send: (id) =>
          http()
            .post(`/api/v1/incidents/${id}/risk-assessment`)
            .send({ answers: { weapon: true } }),
      },
      {
        name: 'GET /calls/:id',
        subject: 'callId',
        type: 'call',
        send: (id) => http().get(`/api/v1/calls/${id}`),
      },
      {
        name: 'POST /calls/:id/flag-coded',
        subject: 'callId',
        type: 'call',
        send: (id) => http().post(`/api/v1/calls/${id}/flag-coded`),
      },
      {
        name: 'POST /units/:id/status',
        subject: 'unitId',
        type: 'unit',
        send: (id) => http().post(`/api/v1/units/${id}/status`).send({ status: 'off_duty' }),
      },
      {
        name: 'POST /assignments/:id/status',
        subject: 'assignmentId',
        type: 'assignment',
        send: (id) => http().post(`/api/v1/assignments/${id}/status`).send({ status: 'en_route' }),
      },
    ];

    it.each(routes.map((r) => [r.name, r] as const))(
      '%s: a foreign id and a random id get the same status and body; the refusal is logged',
      async (_name, route) => {
        const id = foreign[route.subject];
        const real = await route.send(id).set(as(almaty));
        const random = await route.send(randomUUID()).set(as(almaty));
        expect(real.status).toBe(404);
        expect(random.status).toBe(404);
        expect(real.body).toEqual(random.body);
        expect(real.body.code).toBe('NOT_FOUND');
        const rows = await accessLog(almaty.id, id);
        expect(rows).toContainEqual(
          expect.objectContaining({ subject_type: route.type, outcome: 'denied' }),
        );
        // Same id upper-cased: the same record, the same answer.
        const upper = await route.send(id.toUpperCase()).set(as(almaty));
        expect(upper.status).toBe(404);
        expect(upper.body).toEqual(random.body);
      },
    );

    it('logs the refusal even when the refused write ran under an Idempotency-Key', async () => {
      const before = (await accessLog(almaty.id, foreign.unitId)).length;
      const res = await http()
        .post(`/api/v1/units/${foreign.unitId}/status`)
        .set(as(almaty))
        .set('Idempotency-Key', `acc-${seq++}`)
        .send({ status: 'off_duty' });
      expect(res.status).toBe(404);
      expect((await accessLog(almaty.id, foreign.unitId)).length).toBe(before + 1);
    });

    it('nothing changed through the refused writes', async () => {
      const [unit] = await app
        .get(DataSource)
        .query(`SELECT status FROM units WHERE id = $1`, [foreign.unitId]);
      expect(unit.status).not.toBe('off_duty');
      const [assignment] = await app
        .get(DataSource)
        .query(`SELECT status FROM assignments WHERE id = $1`, [foreign.assignmentId]);
      expect(assignment.status).toBe('assigned');
      const [call] = await app
        .get(DataSource)
        .query(`SELECT coded FROM calls WHERE id = $1`, [foreign.callId]);
      expect(call.coded).toBe(false);
    });
  });

  describe('security headers', () => {
    it('sets nosniff, no framing, no referrer and no-store on authenticated API answers', async () => {
      const res = await http().get('/api/v1/auth/me').set(as(astana));
      expect(res.status).toBe(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      const error = await http().get(`/api/v1/incidents/${randomUUID()}`).set(as(astana));
      expect(error.status).toBe(404);
      expect(error.headers['cache-control']).toBe('no-store');
      expect(error.headers['x-content-type-options']).toBe('nosniff');
      const unauthenticated = await http().get('/api/v1/persons?iin=850315400001');
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.headers['cache-control']).toBe('no-store');
      const health = await http().get('/api/v1/health');
      expect(health.headers['x-content-type-options']).toBe('nosniff');
      expect(health.headers['cache-control']).not.toBe('no-store');
    });

    it('serves the API docs under a CSP that still lets the Swagger UI load', async () => {
      const page = await http().get('/api/docs');
      expect(page.status).toBe(200);
      const csp = page.headers['content-security-policy'] as string;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(page.headers['x-frame-options']).toBe('DENY');
      const html = page.text;
      // No inline script: every script is a file of our own origin, which the CSP allows.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attrs, body] of scripts) {
        expect(attrs).toMatch(/src="/);
        expect(body.trim()).toBe('');
      }
      const assets = [
        ...[...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]),
        ...[...html.matchAll(/<link[^>]*href="([^"]+\.css)"/g)].map((m) => m[1]),
      ];
      expect(assets.length).toBeGreaterThan(1);
      for (const asset of assets) {
        expect(asset).not.toMatch(/^https?:/);
        const url = asset.startsWith('/') ? asset : `/api/docs/${asset.replace(/^\.\//, '')}`;
        const res = await http().get(url);
        expect([url, res.status]).toEqual([url, 200]);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['content-type']).toMatch(/javascript|css/);
      }
      const spec = await http().get('/api/docs-json');
      expect(spec.status).toBe(200);
      expect(Object.keys(spec.body.paths)).toEqual(
        expect.arrayContaining(['/api/v1/users/changes', '/api/v1/users/changes/{id}/approve']),
      );
    });
  });
});
