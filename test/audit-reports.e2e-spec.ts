import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { iinCheckDigit } from '@app/kz';
import { FakeClock } from '@app/testing';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DeadlineRunner } from '../src/modules/deadlines/application/deadline-runner';
import { createTestApp, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const T0 = new Date('2033-03-10T04:00:00.000Z'); // 09:00 in Astana

/**
 * The prosecutors' reports on a district of their own (made here, with a Cyrillic name that needs
 * quoting in CSV), so other spec files' incidents never mix into the figures.
 */
describe('audit reports: response times and deadline compliance', () => {
  const clock = new FakeClock(T0);
  const suffix = Date.now().toString(36);
  const districtCode = `TEST-REP-${suffix}`;
  const districtName = `Есіл ауданы, "тест" ${suffix}`;
  let app: NestFastifyApplication;
  let db: DataSource;
  let district: string;
  let admin: User;
  let dispatcher: User;
  let inspector: User;
  let prosecutor: User;
  let otherSupervisor: User;
  let ownSupervisor: User;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  const unique = () => `${suffix}${seq++}`;

  beforeAll(async () => {
    app = await createTestApp({ clock });
    db = app.get(DataSource);
    [{ id: district }] = (await db.query(
      `INSERT INTO districts (code, name, region) VALUES ($1, $2, 'Astana') RETURNING id`,
      [districtCode, districtName],
    )) as Array<{ id: string }>;
    admin = await userWithToken(app, 'admin', [districtCode]);
    dispatcher = await userWithToken(app, 'dispatcher', [districtCode]);
    inspector = await userWithToken(app, 'inspector', [districtCode]);
    prosecutor = await userWithToken(app, 'prosecutor', [districtCode, 'AST-YESIL']);
    ownSupervisor = await userWithToken(app, 'supervisor', [districtCode]);
    otherSupervisor = await userWithToken(app, 'supervisor', ['ALA-MEDEU']);
  });
  afterAll(async () => {
    await app.close();
  });

  const post = (user: User, path: string, body: Record<string, unknown>) =>
    http().post(`/api/v1${path}`).auth(user.token, { type: 'bearer' }).send(body);
  const report = (user: User, query: Record<string, string | number>) =>
    http().get('/api/v1/audit/response-times').auth(user.token, { type: 'bearer' }).query(query);

  async function crew(): Promise<string> {
    const res = await post(admin, '/units', { callSign: `REP-${unique()}`, districtId: district });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /**
   * One call answered `answer` s after it rang at `at` + 0, a crew assigned `dispatch` s after the
   * answer, on scene `travel` s after that (none when `travel` is null). The clock moves with it.
   */
  async function incident(
    at: Date,
    answer: number,
    dispatch: number,
    travel: number | null,
  ): Promise<{ incidentId: string; assignmentId: string; priority: number }> {
    clock.set(new Date(at.getTime() + answer * SECOND));
    const call = await post(dispatcher, '/calls', {
      receivedAt: at.toISOString(),
      answeredAt: clock.now().toISOString(),
      callerPhone: `+7701${String(seq % 10_000_000).padStart(7, '0')}`,
      districtId: district,
      address: `ул. Отчётная ${unique()}`,
    });
    expect(call.status).toBe(201);
    const incidentId = call.body.incidentId as string;
    clock.advance(dispatch * SECOND);
    const assigned = await post(dispatcher, `/incidents/${incidentId}/assignments`, {
      unitId: await crew(),
    });
    expect(assigned.status).toBe(201);
    const assignmentId = assigned.body.assignmentId as string;
    if (travel !== null) await arrive(assignmentId, travel);
    return { incidentId, assignmentId, priority: call.body.priority as number };
  }

  async function arrive(assignmentId: string, travel: number): Promise<void> {
    clock.advance(travel * SECOND);
    for (const status of ['en_route', 'on_scene']) {
      const res = await post(dispatcher, `/assignments/${assignmentId}/status`, { status });
      expect(res.status).toBe(200);
    }
  }

  describe('response times', () => {
    // Five incidents an hour apart: (answer, dispatch, travel) seconds. The dispatch rule set in
    // force (2020.1) sets target.answerSeconds 15, target.dispatchSeconds 60 and
    // target.attendanceSecondsUrban 900.
    const TIMES: Array<[number, number, number]> = [
      [5, 40, 300], // on scene after 345 s: within every target
      [10, 70, 600], // 680 s; dispatch 70 > 60: breach
      [20, 50, 900], // 970 s; answer 20 > 15 and attendance 970 > 900: breach
      [30, 61, 420], // 511 s; answer 30 > 15, dispatch 61 > 60: breach
      [12, 30, 480], // 522 s: within every target
    ];
    const made: string[] = [];
    const window = { from: T0.toISOString(), to: new Date(T0.getTime() + 6 * HOUR).toISOString() };

    beforeAll(async () => {
      for (const [i, [answer, dispatch, travel]] of TIMES.entries())
        made.push(
          (await incident(new Date(T0.getTime() + i * HOUR), answer, dispatch, travel)).incidentId,
        );
    });

    it('gives percentile_cont figures equal to the ones computed by hand', async () => {
      clock.set(new Date(T0.getTime() + 7 * HOUR));
      const res = await report(prosecutor, {
        ...window,
        districtId: district,
        groupBy: 'district',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        groupBy: ['district'],
        period: null,
        timeZone: 'Asia/Almaty',
        breachListTruncated: false,
      });
      expect(res.body.groups).toHaveLength(1);
      const g = res.body.groups[0];
      expect(g).toMatchObject({ districtId: district, districtName, count: 5 });
      // percentile_cont(p) over n sorted values v[0..n-1]: position x = p·(n-1), result
      // v[floor x] + (x - floor x)·(v[ceil x] - v[floor x]). With n = 5: x = 2 (p50), 3.6 (p90),
      // 3.8 (p95).
      const expected = {
        // answers 5, 10, 12, 20, 30: p50 = 12; p90 = 20 + 0.6·10 = 26; p95 = 20 + 0.8·10 = 28
        receivedToAnswered: { count: 5, p50: 12, p90: 26, p95: 28 },
        // dispatch 30, 40, 50, 61, 70: p50 = 50; p90 = 61 + 0.6·9 = 66.4; p95 = 61 + 0.8·9 = 68.2
        answeredToDispatched: { count: 5, p50: 50, p90: 66.4, p95: 68.2 },
        // travel 300, 420, 480, 600, 900: p50 = 480; p90 = 600 + 0.6·300 = 780; p95 = 600 + 0.8·300 = 840
        dispatchedToOnScene: { count: 5, p50: 480, p90: 780, p95: 840 },
        // received→on scene 345, 511, 522, 680, 970: p50 = 522; p90 = 680 + 0.6·290 = 854;
        // p95 = 680 + 0.8·290 = 912
        receivedToOnScene: { count: 5, p50: 522, p90: 854, p95: 912 },
      };
      for (const [metric, want] of Object.entries(expected)) {
        expect(g[metric].count).toBe(want.count);
        for (const p of ['p50', 'p90', 'p95'] as const)
          expect(g[metric][p]).toBeCloseTo(want[p], 9);
      }
      // Within target: answer 5, 10, 12 of 5 (≤ 15 s); dispatch 40, 50, 30 of 5 (≤ 60 s);
      // attendance 345, 680, 511, 522 of 5 (≤ 900 s).
      expect(g.withinTargetShare).toEqual({ answer: 0.6, dispatch: 0.6, attendance: 0.8 });
      expect(g.breachCount).toBe(3);
      expect(g.breaches).toEqual([made[1], made[2], made[3]]);
    });

    it('caps the breach list (breachCount still counts all) and logs each listed incident as read', async () => {
      const res = await report(prosecutor, {
        ...window,
        districtId: district,
        groupBy: 'district',
        breachLimit: 2,
      });
      expect(res.status).toBe(200);
      expect(res.body.groups[0].breachCount).toBe(3);
      expect(res.body.groups[0].breaches).toEqual([made[1], made[2]]);
      const logged = (await db.query(
        `SELECT subject_id, subject_type, endpoint, outcome FROM access_log
         WHERE user_id = $1 AND subject_id = ANY($2::uuid[]) ORDER BY id`,
        [prosecutor.id, made],
      )) as Array<Record<string, string>>;
      // The first report listed 1, 2, 3; this one 1, 2. Incidents 0 and 4 were never listed.
      expect(logged.map((l) => l.subject_id)).toEqual([
        made[1],
        made[2],
        made[3],
        made[1],
        made[2],
      ]);
      expect(logged[0]).toMatchObject({
        subject_type: 'incident',
        endpoint: 'GET /api/v1/audit/response-times',
        outcome: 'granted',
      });
    });

    it('groups by district, priority and source by default, and by Asia/Almaty periods on request', async () => {
      const byDefault = await report(prosecutor, { ...window, districtId: district });
      expect(byDefault.status).toBe(200);
      expect(byDefault.body.groupBy).toEqual(['district', 'priority', 'source']);
      const counted = (byDefault.body.groups as Array<{ count: number; source: string }>).reduce(
        (n, g) => n + g.count,
        0,
      );
      expect(counted).toBe(5);
      expect(byDefault.body.groups.every((g: { source: string }) => g.source === 'call')).toBe(
        true,
      );

      // 00:00 local on 10 March is 19:00 UTC on 9 March; incidents from 09:00 to 13:00 local.
      const daily = await report(prosecutor, {
        ...window,
        districtId: district,
        groupBy: 'period',
        period: 'day',
      });
      expect(daily.status).toBe(200);
      expect(daily.body.groups).toEqual([
        expect.objectContaining({
          period: '2033-03-10',
          periodStart: '2033-03-09T19:00:00.000Z',
          count: 5,
        }),
      ]);
      const quarterly = await report(prosecutor, {
        ...window,
        districtId: district,
        period: 'quarter',
      });
      expect(quarterly.body.groupBy).toEqual(['period', 'district', 'priority', 'source']);
      expect(quarterly.body.groups[0]).toMatchObject({
        period: '2033-Q1',
        periodStart: '2032-12-31T19:00:00.000Z',
      });
    });

    it('answers CSV a spreadsheet reads: BOM, attachment, quoted Cyrillic name, same figures', async () => {
      const res = await report(prosecutor, {
        ...window,
        districtId: district,
        groupBy: 'district',
        format: 'csv',
      }).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"$/);
      const text = res.text;
      expect(text.charCodeAt(0)).toBe(0xfeff);
      // The name holds a comma and quotes: quoted, quotes doubled.
      expect(text).toContain(`"${districtName.replace(/"/g, '""')}"`);
      const rows = parse(text, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        district_id: district,
        district_name: districtName,
        count: '5',
        answer_s_p90: '26',
        response_s_p95: '912',
        within_target_attendance: '0.8',
        breach_count: '3',
        breaches: [made[1], made[2], made[3]].join(' '),
      });
      expect(Number(rows[0].dispatch_s_p90)).toBeCloseTo(66.4, 9);
    });

    it('follows the incident when it changes afterwards: a later arrival, a new priority, a new rule set', async () => {
      // From 17:00 local the answer target is 25 s (a new dispatch rule set; values carry over).
      const policy = await post(admin, '/policies', {
        kind: 'dispatch',
        version: `rep-${suffix}`,
        validFrom: new Date(T0.getTime() + 8 * HOUR).toISOString(),
        values: {
          'target.answerSeconds': {
            value: 25,
            unit: 's',
            citation: 'test: a region posts its own target',
          },
        },
      });
      expect(policy.status).toBe(201);
      const later = {
        from: new Date(T0.getTime() + 9 * HOUR).toISOString(),
        to: new Date(T0.getTime() + 11 * HOUR).toISOString(),
      };
      const at = new Date(T0.getTime() + 10 * HOUR);
      const late = await incident(at, 20, 45, null);
      expect(late.priority).not.toBe(1);

      let g = (await report(prosecutor, { ...later, districtId: district, groupBy: 'district' }))
        .body.groups[0];
      // 20 s to answer is within the 25 s in force when this call came (19:00, after 17:00).
      expect(g).toMatchObject({
        count: 1,
        receivedToAnswered: { count: 1, p50: 20 },
        answeredToDispatched: { count: 1, p50: 45 },
        receivedToOnScene: { count: 0, p50: null, p90: null, p95: null },
        withinTargetShare: { answer: 1, dispatch: 1, attendance: null },
        breachCount: 0,
      });

      // The crew's arrival is recorded later: 20 + 45 + 950 = 1015 s > 900 s.
      await arrive(late.assignmentId, 950);
      g = (await report(prosecutor, { ...later, districtId: district, groupBy: 'district' })).body
        .groups[0];
      expect(g).toMatchObject({
        receivedToOnScene: { count: 1, p50: 1015, p90: 1015, p95: 1015 },
        dispatchedToOnScene: { count: 1, p50: 950 },
        withinTargetShare: { answer: 1, dispatch: 1, attendance: 0 },
        breachCount: 1,
        breaches: [late.incidentId],
      });

      // A reassessment makes it P1: it moves to the P1 group.
      const p1 = { ...later, districtId: district, priority: 1, groupBy: 'priority' };
      expect((await report(prosecutor, p1)).body.groups).toEqual([]);
      const reassessed = await post(dispatcher, `/incidents/${late.incidentId}/risk-assessment`, {
        answers: { weapon: true, strangulation: true, threatsToKill: true },
      });
      expect(reassessed.status).toBe(200);
      expect(reassessed.body.priority).toBe(1);
      expect((await report(prosecutor, p1)).body.groups).toEqual([
        expect.objectContaining({ priority: 1, count: 1, breaches: [late.incidentId] }),
      ]);
    });

    it('lets supervisors read their own districts only; other roles are refused', async () => {
      const own = await report(ownSupervisor, { ...window, groupBy: 'district' });
      expect(own.status).toBe(200);
      expect(own.body.groups.map((g: { districtId: string }) => g.districtId)).toEqual([district]);

      const named = await report(otherSupervisor, { ...window, districtId: district });
      expect([named.status, named.body.code]).toEqual([403, 'FORBIDDEN']);
      const all = await report(otherSupervisor, { ...window, groupBy: 'district' });
      expect(all.status).toBe(200);
      expect(all.body.groups.map((g: { districtId: string }) => g.districtId)).not.toContain(
        district,
      );

      for (const user of [dispatcher, inspector, admin]) {
        const res = await report(user, window);
        expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
      }
      const anonymous = await http().get('/api/v1/audit/response-times').query(window);
      expect(anonymous.status).toBe(401);
    });

    it.each([
      [{ to: '2033-03-11T00:00:00+05:00' }, 'from'],
      [{ from: 'yesterday', to: '2033-03-11T00:00:00+05:00' }, 'from'],
      [{ from: '2033-03-11T00:00:00+05:00', to: '2033-03-10T00:00:00+05:00' }, 'to'],
      [{ from: '2033-03-10T00:00:00+05:00', to: '2033-03-10T00:00:00+05:00' }, 'to'],
      [{ from: '2032-01-01T00:00:00+05:00', to: '2033-03-10T00:00:00+05:00' }, 'to'],
      [{ districtId: 'not-a-uuid' }, 'districtId'],
      [{ priority: '5' }, 'priority'],
      [{ priority: 'high' }, 'priority'],
      [{ source: 'fax' }, 'source'],
      [{ groupBy: 'district,inspector' }, 'groupBy'],
      [{ period: 'year' }, 'period'],
      [{ format: 'xml' }, 'format'],
      [{ breachLimit: '-1' }, 'breachLimit'],
      [{ breachLimit: '5000' }, 'breachLimit'],
    ])('refuses %j with 400 naming %s', async (params, field) => {
      const query = { ...window, ...params } as Record<string, string>;
      if (!('from' in params) && 'to' in params) delete query.from;
      const res = await report(prosecutor, query);
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
    });
  });

  it('documents both answers in OpenAPI: the JSON report and text/csv', async () => {
    const doc = (await http().get('/api/docs-json')).body as {
      paths: Record<
        string,
        {
          get: {
            responses: Record<
              string,
              { content: Record<string, { schema: Record<string, string> }> }
            >;
          };
        }
      >;
    };
    for (const [path, dto] of [
      ['/api/v1/audit/response-times', 'ResponseTimesReportDto'],
      ['/api/v1/audit/deadline-compliance', 'DeadlineComplianceReportDto'],
    ]) {
      const ok = doc.paths[path].get.responses['200'].content;
      expect(ok['application/json'].schema.$ref).toBe(`#/components/schemas/${dto}`);
      expect(ok['text/csv'].schema).toEqual({ type: 'string' });
    }
  });

  describe('deadline compliance', () => {
    let serial = 2000 + (Date.now() % 5000);
    const iin = (): string => {
      for (;;) {
        const first11 = `800101${3}${String(serial++ % 10000).padStart(4, '0')}`;
        const check = iinCheckDigit(first11);
        if (check !== null) return `${first11}${check}`;
      }
    };
    // Before any test-made enforcement rule set (they start in 2030): orders run from delivery.
    const C0 = new Date('2027-05-10T04:00:00.000Z');

    async function order(): Promise<string> {
      const call = await post(dispatcher, '/calls', {
        callerPhone: `+7702${String(seq++ % 10_000_000).padStart(7, '0')}`,
        districtId: district,
        address: `ул. Сроков ${unique()}`,
      });
      expect(call.status).toBe(201);
      const res = await post(inspector, '/protective-orders', {
        incidentId: call.body.incidentId,
        offender: { iin: iin(), fullName: 'Нарушитель Тестов' },
        victim: { fullName: `Потерпевшая ${unique()}` },
        issuedAt: clock.now().toISOString(),
        prohibitions: ['no contact with the victim'],
        victimOpinion: 'wants him kept away',
      });
      expect(res.status).toBe(201);
      expect(res.body.expiresAt).toBeNull(); // the term runs from delivery: service is watched
      return res.body.id as string;
    }
    const alertOf = async (orderId: string) =>
      (
        (await db.query(
          `SELECT id FROM alerts WHERE subject_id = $1 AND kind = 'order_not_served'`,
          [orderId],
        )) as Array<{ id: string }>
      )[0].id;

    it('counts orders served late or never, check-ins missed and alerts acknowledged late, per inspector', async () => {
      clock.set(C0);
      const never = await order();
      const late = await order();
      // 25 h later (the limit is alert.orderNotServedHours = 24): both orders' alerts fire.
      clock.set(new Date(C0.getTime() + 25 * HOUR));
      const runner = app.get(DeadlineRunner);
      while ((await runner.fireDue(200)).claimed === 200);
      // One acknowledged within the escalation threshold (300 s), one after it.
      clock.advance(100 * SECOND);
      expect((await post(inspector, `/alerts/${await alertOf(never)}/ack`, {})).status).toBe(200);
      clock.advance(300 * SECOND);
      expect((await post(inspector, `/alerts/${await alertOf(late)}/ack`, {})).status).toBe(200);
      // The second order is served 30 h after issue: late. Its first check-in falls due 7 days
      // after service and nobody completes it.
      clock.set(new Date(C0.getTime() + 30 * HOUR));
      const served = await post(inspector, `/protective-orders/${late}/serve`, {
        servedAt: clock.now().toISOString(),
      });
      expect(served.status).toBe(200);
      const checkDue = new Date(served.body.nextCheckDueAt as string);
      clock.set(new Date(checkDue.getTime() + HOUR));

      const range = {
        from: new Date(C0.getTime() - 24 * HOUR).toISOString(),
        to: new Date(C0.getTime() + 10 * 24 * HOUR).toISOString(),
      };
      const res = await http()
        .get('/api/v1/audit/deadline-compliance')
        .auth(prosecutor.token, { type: 'bearer' })
        .query({ ...range, districtId: district });
      expect(res.status).toBe(200);
      const mine = res.body.rows.find(
        (r: { inspectorId: string }) => r.inspectorId === inspector.id,
      );
      expect(mine).toEqual({
        districtId: district,
        districtName,
        inspectorId: inspector.id,
        inspectorUsername: inspector.username,
        ordersDue: 2,
        ordersServedLate: 1,
        ordersNeverServed: 1,
        checkInsDue: 1,
        checkInsMissed: 1,
        checkInsCompletedLate: 0,
        alertsWithThreshold: 2,
        alertsAcknowledgedLate: 1,
        alertsNeverAcknowledged: 0,
      });

      const csv = await http()
        .get('/api/v1/audit/deadline-compliance')
        .auth(prosecutor.token, { type: 'bearer' })
        .query({ ...range, districtId: district, format: 'csv' })
        .buffer(true);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const rows = parse(csv.text, { bom: true, columns: true }) as Array<Record<string, string>>;
      expect(rows.find((r) => r.inspector_id === inspector.id)).toMatchObject({
        district_name: districtName,
        orders_served_late: '1',
        check_ins_missed: '1',
        alerts_acknowledged_late: '1',
      });

      const refused = await http()
        .get('/api/v1/audit/deadline-compliance')
        .auth(otherSupervisor.token, { type: 'bearer' })
        .query({ ...range, districtId: district });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
      const bad = await http()
        .get('/api/v1/audit/deadline-compliance')
        .auth(prosecutor.token, { type: 'bearer' })
        .query({ from: range.to, to: range.from });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('to');
    });
  });

  describe('limits: group cap, one report per user, a few per process, a time limit', () => {
    /** Reports waiting for the lock on incident_response_facts (this database only). */
    const waitingForFacts = async () =>
      (
        (await db.query(
          `SELECT count(*)::int AS n FROM pg_locks
           WHERE relation = 'incident_response_facts'::regclass AND NOT granted
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
        )) as Array<{ n: number }>
      )[0].n;
    const untilWaiting = async (n: number) => {
      for (let waited = 0; (await waitingForFacts()) < n; waited += 20) {
        if (waited > 30_000) throw new Error(`fewer than ${n} reports reached the lock`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    /**
     * Holds reports in flight deterministically: while a transaction of the test holds an ACCESS
     * EXCLUSIVE lock on the facts table, every report statement waits for it in PostgreSQL.
     */
    async function withFactsLocked<T>(work: () => Promise<T>): Promise<T> {
      const runner = db.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        await runner.query(`LOCK TABLE incident_response_facts IN ACCESS EXCLUSIVE MODE`);
        return await work();
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    }
    // The day of the response-time tests above: a few incidents, a report of a few groups.
    const window = { from: '2033-03-10T00:00:00Z', to: '2033-03-11T00:00:00Z' };

    it('refuses more than 5,000 groups with 422 REPORT_TOO_LARGE on groupBy; 5,000 are answered', async () => {
      // Two districts of its own, 5,001 incidents each in a group of its own: day × district ×
      // priority × source, 24 combinations a day (one a minute from 06:00 UTC), over 209 days.
      const codes = [`TEST-CAP-A-${suffix}`, `TEST-CAP-B-${suffix}`];
      const ids = (await db.query(
        `INSERT INTO districts (code, name, region) SELECT c, c, 'Astana' FROM unnest($1::text[]) c
         RETURNING id`,
        [codes],
      )) as Array<{ id: string }>;
      const auditor = await userWithToken(app, 'prosecutor', codes);
      const base = Date.parse('2040-01-01T06:00:00Z');
      await db.query(
        `WITH t AS (SELECT id FROM rule_sets WHERE kind = 'triage' ORDER BY valid_from LIMIT 1)
         INSERT INTO incidents (id, source, status, district_id, address, address_norm, coded,
           contact_policy, priority, risk_level, risk_score, reasons, triage_rule_set_id,
           received_at, created_at, updated_at)
         SELECT gen_random_uuid(), (ARRAY['call', 'qamqor', 'partner'])[1 + (g % 24 / 8) % 3],
           'closed', ($1::uuid[])[1 + g % 24 % 2], 'cap', 'cap', false, 'normal',
           1 + (g % 24 / 2) % 4, 'medium', 3, '[]'::jsonb, t.id, r, r, r
         FROM generate_series(0, 5000) g, t,
           LATERAL (SELECT $2::timestamptz + make_interval(days => g / 24, mins => g % 24) AS r) x`,
        [ids.map((d) => d.id), new Date(base)],
      );
      const query = {
        from: '2040-01-01T00:00:00Z',
        to: '2040-12-01T00:00:00Z',
        groupBy: 'period,district,priority,source',
        period: 'day',
        breachLimit: 1000,
      };
      const tooLarge = await report(auditor, query);
      expect(tooLarge.status).toBe(422);
      expect(tooLarge.body.code).toBe('REPORT_TOO_LARGE');
      expect(tooLarge.body.details[0]).toMatchObject({
        field: 'groupBy',
        code: 'REPORT_TOO_LARGE',
      });
      // Up to the last incident (day 208, minute 8), left out: exactly 5,000 groups, answered.
      const atCap = await report(auditor, {
        ...query,
        to: new Date(base + 208 * 24 * HOUR + 8 * 60 * SECOND).toISOString(),
      });
      expect(atCap.status).toBe(200);
      expect(atCap.body.groups).toHaveLength(5000);
      expect(atCap.body.groups.every((g: { count: number }) => g.count === 1)).toBe(true);
      // Narrowed by week instead of day: a few hundred groups.
      const byWeek = await report(auditor, { ...query, period: 'week' });
      expect(byWeek.status).toBe(200);
      expect(byWeek.body.groups.length).toBeLessThan(5000);
      expect(byWeek.body.groups.reduce((n: number, g: { count: number }) => n + g.count, 0)).toBe(
        5001,
      );
    });

    it('runs one report per user and two per process at once; more answer 429 with Retry-After at once', async () => {
      const [first, second] = await withFactsLocked(async () => {
        // Two reports of two users take both slots and wait for the lock in PostgreSQL.
        const a = report(prosecutor, { ...window, districtId: district }).then((r) => r);
        const b = report(ownSupervisor, { ...window, districtId: district }).then((r) => r);
        await untilWaiting(2);
        // The same user again: refused, whatever the other slots.
        const again = await report(prosecutor, { ...window, districtId: district });
        expect(again.status).toBe(429);
        expect(again.body.code).toBe('REPORT_IN_PROGRESS');
        expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        // Another user, another report: no slot left in this process.
        const busy = await http()
          .get('/api/v1/audit/deadline-compliance')
          .auth(otherSupervisor.token, { type: 'bearer' })
          .query(window);
        expect(busy.status).toBe(429);
        expect(busy.body.code).toBe('REPORTS_BUSY');
        expect(Number(busy.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        // Refused without touching the database: still only the two waiting.
        expect(await waitingForFacts()).toBe(2);
        return [a, b];
      }).then((pending) => Promise.all(pending));
      // The lock gone, both held reports complete, and their slots are free again.
      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      const after = await report(prosecutor, { ...window, districtId: district });
      expect(after.status).toBe(200);
    });

    it('stops a report whose SQL runs past REPORT_TIMEOUT_SECONDS: 503 REPORT_TIMEOUT, slot freed', async () => {
      const strict = await createTestApp({ clock, env: { REPORT_TIMEOUT_SECONDS: '1' } });
      try {
        const get = () =>
          request(strict.getHttpServer())
            .get('/api/v1/audit/response-times')
            .auth(prosecutor.token, { type: 'bearer' })
            .query({ ...window, districtId: district });
        const res = await withFactsLocked(async () => {
          const started = performance.now();
          const r = await get();
          // Cancelled by PostgreSQL after about a second, not left hanging on the lock.
          expect(performance.now() - started).toBeLessThan(20_000);
          return r;
        });
        expect(res.status).toBe(503);
        expect(res.body.code).toBe('REPORT_TIMEOUT');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect((await get()).status).toBe(200);
      } finally {
        await strict.close();
      }
    });
  });
});
