import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

type User = Awaited<ReturnType<typeof userWithToken>>;

describe('intake: 102 calls, passphrases, people and incidents', () => {
  let app: NestFastifyApplication;
  let dispatcher: User;
  let almatyDispatcher: User;
  let admin: User;
  let prosecutor: User;
  let yesil: string;
  let nura: string;
  const http = () => request(app.getHttpServer());
  let seq = 0;
  /** A unique, valid Kazakh mobile number per call, so history from other tests does not leak in. */
  const phone = () =>
    `+7701${String(Date.now() % 1000).padStart(3, '0')}${String(seq++ % 10000).padStart(4, '0')}`;
  const address = () => `ул. Тестовая ${Date.now() % 100000}-${seq++}, кв. 5`;

  beforeAll(async () => {
    app = await createTestApp();
    [yesil, nura] = await districtIds(app, 'AST-YESIL', 'AST-NURA');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL', 'AST-NURA']);
    almatyDispatcher = await userWithToken(app, 'dispatcher', ['ALA-ALMALY']);
    admin = await userWithToken(app, 'admin', ['AST-YESIL']);
    prosecutor = await userWithToken(app, 'prosecutor', ['AST-YESIL', 'AST-NURA']);
  });
  afterAll(async () => {
    await app.close();
  });

  const postCall = (body: Record<string, unknown>, user: User = dispatcher) =>
    http()
      .post('/api/v1/calls')
      .auth(user.token, { type: 'bearer' })
      .send({ callerPhone: phone(), districtId: yesil, address: address(), ...body });

  async function seedPassphraseId(language: string) {
    const [row] = await app
      .get(DataSource)
      .query(`SELECT id FROM passphrases WHERE language = $1 AND note LIKE 'Nur-Sultan%' LIMIT 1`, [
        language,
      ]);
    return row.id as string;
  }

  describe('coded calls', () => {
    it('recognises the Russian passphrase in a transcript: silent, P1, with the passphrase id', async () => {
      const res = await postCall({
        transcript: 'Здравствуйте, а вам маски и антисептики уже поступили?',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        incidentId: expect.any(String),
        coded: true,
        passphraseDetected: true,
        matchedPassphraseId: await seedPassphraseId('ru'),
        priority: 1,
        contactPolicy: 'silent',
      });
      expect(res.body.reasons[0]).toMatch(/^Coded call/);
    });

    it('recognises the English seed phrase with noise around it', async () => {
      const res = await postCall({
        transcript: 'hello?? um, HAVE you received the masks and the antiseptics yet... ok',
      });
      expect(res.body).toMatchObject({
        coded: true,
        passphraseDetected: true,
        priority: 1,
        contactPolicy: 'silent',
      });
    });

    it('does not fire on a call that merely mentions masks', async () => {
      const res = await postCall({
        transcript: 'Где купить маски для лица? В аптеке закончились.',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        coded: false,
        passphraseDetected: false,
        contactPolicy: 'normal',
      });
      expect(res.body.matchedPassphraseId).toBeUndefined();
      expect(res.body.priority).toBeGreaterThan(1);
    });

    it('takes the dispatcher’s flag without a transcript', async () => {
      const res = await postCall({ coded: true });
      expect(res.body).toMatchObject({
        coded: true,
        passphraseDetected: false,
        priority: 1,
        contactPolicy: 'silent',
        riskLevel: 'not_assessed',
      });
      // Unknown is not low: the incident says so too, until somebody answers.
      const incident = await http()
        .get(`/api/v1/incidents/${res.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(incident.body).toMatchObject({ priority: 1, riskLevel: 'not_assessed' });
      const assessed = await http()
        .post(`/api/v1/incidents/${res.body.incidentId}/risk-assessment`)
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ answers: { weapon: false } });
      expect(assessed.status).toBe(200);
      expect(assessed.body).toMatchObject({ priority: 1, riskLevel: 'low' });
    });

    it('re-prioritises a call flagged coded afterwards and records it on the incident', async () => {
      const created = await postCall({ risk: { alcoholOrDrugs: true } });
      expect(created.body.priority).toBe(4);
      const flagged = await http()
        .post(`/api/v1/calls/${created.body.id}/flag-coded`)
        .auth(dispatcher.token, { type: 'bearer' })
        .send();
      expect(flagged.status).toBe(200);
      expect(flagged.body).toMatchObject({
        coded: true,
        contactPolicy: 'silent',
        priority: 1,
        incidentId: created.body.incidentId,
      });
      const incident = await http()
        .get(`/api/v1/incidents/${created.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(incident.body).toMatchObject({ coded: true, priority: 1, contactPolicy: 'silent' });
      expect(incident.body.timeline.map((e: { type: string }) => e.type)).toEqual([
        'CallRegistered',
        'IncidentOpened',
        'CallFlaggedCoded',
        'IncidentReassessed',
      ]);
      const call = await http()
        .get(`/api/v1/calls/${created.body.id}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(call.body).toMatchObject({
        coded: true,
        codedBy: 'dispatcher',
        contactPolicy: 'silent',
        priority: 1,
      });
    });

    it('flags an already-coded call without writing anything: same state, no new event', async () => {
      const events = async (incidentId: string) =>
        (
          await app
            .get(DataSource)
            .query(`SELECT type FROM events WHERE stream_id = $1 ORDER BY stream_version`, [
              incidentId,
            ])
        ).map((e: { type: string }) => e.type);
      const flag = (callId: string) =>
        http()
          .post(`/api/v1/calls/${callId}/flag-coded`)
          .auth(dispatcher.token, { type: 'bearer' })
          .send();
      const created = await postCall({ risk: { injuries: true } });
      const first = await flag(created.body.id);
      expect(first.status).toBe(200);
      const afterFirst = await events(created.body.incidentId);
      expect(afterFirst.filter((t: string) => t === 'IncidentReassessed')).toHaveLength(1);
      const second = await flag(created.body.id);
      expect(second.status).toBe(200);
      expect(second.body).toEqual(first.body);
      expect(await events(created.body.incidentId)).toEqual(afterFirst);

      // Coded by the passphrase at registration: flagging it is a no-op as well.
      const spoken = await postCall({ transcript: 'Поступили антисептики, маски?' });
      expect(spoken.body.coded).toBe(true);
      const before = await events(spoken.body.incidentId);
      const again = await flag(spoken.body.id);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        coded: true,
        contactPolicy: 'silent',
        priority: spoken.body.priority,
        riskLevel: spoken.body.riskLevel,
        reasons: spoken.body.reasons,
      });
      expect(await events(spoken.body.incidentId)).toEqual(before);
    });

    it('follows passphrases as data: a new district phrase works there only, an expired one nowhere', async () => {
      const now = Date.now();
      const created = await http()
        .post('/api/v1/passphrases')
        .auth(admin.token, { type: 'bearer' })
        .send({
          text: 'Привезли ли вам свежий хлеб и молоко?',
          language: 'ru',
          districtIds: [nura],
          validFrom: new Date(now - 60_000).toISOString(),
        });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ language: 'ru', districtIds: [nura], active: true });
      const transcript = 'алло, а вам привезли свежий хлеб и молоко?';
      const inNura = await postCall({ districtId: nura, transcript });
      expect(inNura.body).toMatchObject({ coded: true, matchedPassphraseId: created.body.id });
      const inYesil = await postCall({ districtId: yesil, transcript });
      expect(inYesil.body.coded).toBe(false);

      const expired = await http()
        .post('/api/v1/passphrases')
        .auth(admin.token, { type: 'bearer' })
        .send({
          text: 'У вас остались красные яблоки?',
          language: 'ru',
          districtIds: null,
          validFrom: new Date(now - 86_400_000).toISOString(),
          validTo: new Date(now - 3_600_000).toISOString(),
        });
      expect(expired.body.active).toBe(false);
      expect((await postCall({ transcript: 'у вас остались красные яблоки?' })).body.coded).toBe(
        false,
      );
      const list = await http().get('/api/v1/passphrases').auth(admin.token, { type: 'bearer' });
      expect(list.body.map((p: { id: string }) => p.id)).toEqual(
        expect.arrayContaining([created.body.id, expired.body.id]),
      );
    });

    it('refuses passphrase management to dispatchers and bad validity ranges', async () => {
      expect(
        (await http().get('/api/v1/passphrases').auth(dispatcher.token, { type: 'bearer' })).status,
      ).toBe(403);
      const bad = await http()
        .post('/api/v1/passphrases')
        .auth(admin.token, { type: 'bearer' })
        .send({
          text: 'два слова',
          language: 'ru',
          districtIds: null,
          validFrom: '2026-01-02T00:00:00Z',
          validTo: '2026-01-01T00:00:00Z',
        });
      expect(bad.status).toBe(400);
      expect(bad.body.details[0].field).toBe('validTo');
    });
  });

  describe('bad input: 4xx with the field named, nothing written', () => {
    async function countIncidents() {
      const [row] = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM incidents`);
      return row.n as number;
    }

    it.each([
      [
        'a wrong IIN check digit',
        { victim: { iin: '791028302729', fullName: 'A B' } },
        'victim.iin',
        'IIN_INVALID',
      ],
      [
        'an IIN with an impossible birth date',
        { offender: { iin: '791328302728' } },
        'offender.iin',
        'IIN_INVALID',
      ],
      ['an unparseable caller phone', { callerPhone: '12345' }, 'callerPhone', 'PHONE_INVALID'],
      [
        'an unparseable victim phone',
        { victim: { phone: 'call me' } },
        'victim.phone',
        'PHONE_INVALID',
      ],
      ['a latitude outside Kazakhstan', { lat: 60.1, lon: 71.4 }, 'lat', 'VALIDATION_FAILED'],
      ['a longitude outside Kazakhstan', { lat: 51.1, lon: 12.5 }, 'lon', 'VALIDATION_FAILED'],
      [
        'an unknown risk factor',
        { risk: { weapon: true, moonPhase: true } },
        'risk.moonPhase',
        'VALIDATION_FAILED',
      ],
      [
        'a risk answer that is not a boolean',
        { risk: { weapon: 'yes' } },
        'risk.weapon',
        'VALIDATION_FAILED',
      ],
      [
        'an answer before the call was received',
        { receivedAt: '2026-11-22T10:00:00+05:00', answeredAt: '2026-11-22T09:59:00+05:00' },
        'answeredAt',
        'ANSWERED_BEFORE_RECEIVED',
      ],
      ['a call from the future', { receivedAt: '2099-01-01T00:00:00Z' }, 'receivedAt', 'IN_FUTURE'],
      ['a missing address', { address: undefined }, 'address', 'VALIDATION_FAILED'],
      [
        'a transcript over the limit',
        { transcript: 'а'.repeat(20_001) },
        'transcript',
        'VALIDATION_FAILED',
      ],
    ])('refuses %s', async (_label, body, field, code) => {
      const before = await countIncidents();
      const res = await postCall(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(JSON.stringify(res.body)).not.toMatch(/7913283|7910283027|call me/);
      expect(await countIncidents()).toBe(before);
    });

    it('refuses a call in a district the dispatcher does not serve', async () => {
      const res = await postCall({}, almatyDispatcher);
      expect(res.status).toBe(403);
    });

    it('refuses calls from roles other than dispatcher', async () => {
      expect((await postCall({}, prosecutor)).status).toBe(403);
    });
  });

  describe('caller numbers: withheld, payphones, landlines, abroad', () => {
    const getCall = (id: string) =>
      http().get(`/api/v1/calls/${id}`).auth(dispatcher.token, { type: 'bearer' });
    const noNumber = (body: Record<string, unknown>) =>
      http()
        .post('/api/v1/calls')
        .auth(dispatcher.token, { type: 'bearer' })
        .send({ districtId: yesil, address: address(), ...body });

    it.each([
      ['absent (withheld)', {}],
      ['null (payphone, no SIM)', { callerPhone: null }],
    ])('registers a call whose number is %s', async (_label, body) => {
      const res = await noNumber(body);
      expect(res.status).toBe(201);
      expect(res.body.contactPolicy).toBe('normal');
      const call = await getCall(res.body.id);
      expect(call.status).toBe(200);
      expect(call.body.callerPhone).toBeNull();
    });

    it('keeps a coded call without a number silent, P1', async () => {
      const res = await noNumber({ callerPhone: null, coded: true });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ coded: true, contactPolicy: 'silent', priority: 1 });
    });

    it('never links calls without a number to each other', async () => {
      await noNumber({});
      await noNumber({ callerPhone: null });
      const third = await noNumber({});
      const incident = await http()
        .get(`/api/v1/incidents/${third.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(incident.status).toBe(200);
      expect(incident.body.history.priorIncidents12m).toBe(0);
    });

    it.each([
      ['an Almaty landline', '+7 727 555 0301', '+77275550301'],
      ['an Almaty landline dialled nationally', '8 (727) 555-03-01', '+77275550301'],
      ['an Astana landline', '8 7172 12 34 56', '+77172123456'],
      ['a Kazakh mobile', '+7 701 234 56 78', '+77012345678'],
      ['a foreign mobile', '+998 90 123 45 67', '+998901234567'],
    ])('accepts %s and stores it in E.164', async (_label, raw, e164) => {
      const res = await postCall({ callerPhone: raw });
      expect(res.status).toBe(201);
      expect((await getCall(res.body.id)).body.callerPhone).toBe(e164);
    });

    it('refuses an empty number: absent or null says "no number"', async () => {
      const res = await postCall({ callerPhone: '' });
      expect(res.status).toBe(400);
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain('callerPhone');
    });
  });

  describe('people and history', () => {
    it('links calls at the same address (written differently) and shows history', async () => {
      const street = `Абая ${Date.now() % 100000}`;
      const first = await postCall({ address: `ул. ${street}, кв. 7` });
      const second = await postCall({
        address: `улица ${street.toUpperCase()} квартира 7`,
        risk: { injuries: true },
      });
      const incident = await http()
        .get(`/api/v1/incidents/${second.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(incident.status).toBe(200);
      expect(incident.body.history).toEqual({
        priorIncidents12m: 1,
        activeProtectiveOrders: 0,
        priorArrests: 0,
      });
      expect(incident.body.reasons).toContain(
        '1 earlier incident at this address or number in the last 12 months.',
      );
      expect(first.body.incidentId).not.toBe(second.body.incidentId);
    });

    it('links calls from the same number however it is written', async () => {
      const n = `70177${String(Date.now() % 100000).padStart(5, '0')}`;
      await postCall({ callerPhone: `+7 ${n.slice(0, 3)} ${n.slice(3)}` });
      const second = await postCall({ callerPhone: `8${n}` });
      const incident = await http()
        .get(`/api/v1/incidents/${second.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(incident.body.history.priorIncidents12m).toBe(1);
    });

    it('counts earlier incidents of the named offender and victim, wherever and whoever called', async () => {
      const offenderIin = '850315300128';
      const victimIin = '900512400127';
      const getIncident = (id: string) =>
        http().get(`/api/v1/incidents/${id}`).auth(dispatcher.token, { type: 'bearer' });
      // Three calls at three addresses from three numbers: only the people link them.
      await postCall({ offender: { iin: offenderIin, fullName: 'Ерлан Тестов' } });
      const second = await postCall({
        districtId: nura,
        offender: { iin: offenderIin },
        victim: { iin: victimIin, fullName: 'Айгуль Тестова' },
      });
      expect(second.status).toBe(201);
      expect(second.body.reasons).toContain(
        '1 earlier incident in the last 12 months: 1 involving the named offender.',
      );
      expect((await getIncident(second.body.incidentId)).body.history.priorIncidents12m).toBe(1);
      // The victim alone, then both at the second call's address: each incident counted once.
      const third = await postCall({ victim: { iin: victimIin } });
      expect(third.body.reasons).toContain(
        '1 earlier incident in the last 12 months: 1 involving the named victim.',
      );
      const fourth = await postCall({
        callerPhone: null,
        offender: { iin: offenderIin },
        victim: { iin: victimIin },
      });
      expect(fourth.body.reasons).toContain(
        '3 earlier incidents in the last 12 months: 2 involving the named offender, 2 involving the named victim.',
      );
      const incident = await getIncident(fourth.body.incidentId);
      expect(incident.body.history).toEqual({
        priorIncidents12m: 3,
        activeProtectiveOrders: 0,
        priorArrests: 0,
      });
    });

    it('knows a victim without an IIN by her phone and name, as the people module does', async () => {
      const victim = { fullName: 'Салтанат Тестова', phone: phone() };
      await postCall({ victim });
      const again = await postCall({ victim: { ...victim, fullName: 'САЛТАНАТ  ТЕСТОВА' } });
      expect(again.body.reasons).toContain(
        '1 earlier incident in the last 12 months: 1 involving the named victim.',
      );
      // The same phone under another name is another person.
      const other = await postCall({ victim: { ...victim, fullName: 'Другая Женщина' } });
      expect(other.body.reasons.join(' ')).not.toMatch(/earlier incident/);
    });

    it('finds a person by IIN across calls, and logs who looked', async () => {
      const iin = '791028302728';
      const one = await postCall({
        victim: { iin, fullName: 'Айгерим Тестова', phone: '+77015550011' },
      });
      const two = await postCall({
        districtId: nura,
        offender: { iin, fullName: 'Айгерим Тестова' },
      });
      const res = await http()
        .get(`/api/v1/persons?iin=${iin}`)
        .auth(prosecutor.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ iin, birthDate: '1979-10-28' });
      const ids = res.body.history.incidents.map((i: { id: string }) => i.id);
      expect(ids).toEqual(expect.arrayContaining([one.body.incidentId, two.body.incidentId]));
      const log = await http()
        .get(`/api/v1/audit/access-log?personId=${res.body.id}`)
        .auth(prosecutor.token, { type: 'bearer' });
      expect(log.status).toBe(200);
      expect(log.body[0]).toMatchObject({
        userId: prosecutor.id,
        subjectType: 'person',
        subjectId: res.body.id,
        endpoint: 'GET /api/v1/persons',
        outcome: 'granted',
        at: expect.any(String),
      });
    });

    it('hides a person with nothing in the caller’s districts, and still logs the attempt', async () => {
      await postCall({ victim: { iin: '791028302728' } });
      const res = await http()
        .get('/api/v1/persons?iin=791028302728')
        .auth(almatyDispatcher.token, { type: 'bearer' });
      expect(res.status).toBe(404);
      const [row] = await app
        .get(DataSource)
        .query(
          `SELECT outcome, query, subject_id FROM access_log WHERE user_id = $1 ORDER BY id DESC LIMIT 1`,
          [almatyDispatcher.id],
        );
      expect(row).toEqual({ outcome: 'denied', query: 'iin', subject_id: expect.any(String) });
      // The out-of-district lookup shows in the victim's own access log, and an unknown IIN is not_found.
      const [person] = await app
        .get(DataSource)
        .query(`SELECT id FROM persons WHERE iin = '791028302728'`);
      expect(row.subject_id).toBe(person.id);
      await http()
        .get('/api/v1/persons?iin=000101300009')
        .auth(almatyDispatcher.token, { type: 'bearer' });
      const [unknown] = await app
        .get(DataSource)
        .query(
          `SELECT outcome, subject_id FROM access_log WHERE user_id = $1 ORDER BY id DESC LIMIT 1`,
          [almatyDispatcher.id],
        );
      expect(unknown).toEqual({ outcome: 'not_found', subject_id: null });
    });

    it('refuses a lookup with a wrong IIN check digit with IIN_INVALID', async () => {
      const res = await http()
        .get('/api/v1/persons?iin=791028302729')
        .auth(prosecutor.token, { type: 'bearer' });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'IIN_INVALID',
        details: [{ field: 'iin', code: 'IIN_INVALID' }],
      });
    });

    it('answers another district’s incident as an unknown one (404) and logs the denial', async () => {
      const created = await postCall({});
      const res = await http()
        .get(`/api/v1/incidents/${created.body.incidentId}`)
        .auth(almatyDispatcher.token, { type: 'bearer' });
      expect(res.status).toBe(404);
      const log = await http()
        .get(`/api/v1/audit/access-log?incidentId=${created.body.incidentId}`)
        .auth(prosecutor.token, { type: 'bearer' });
      expect(
        log.body.map((r: { outcome: string; userId: string }) => [r.userId, r.outcome]),
      ).toContainEqual([almatyDispatcher.id, 'denied']);
    });

    it('returns the incident as API.md names it', async () => {
      const created = await postCall({
        lat: 51.128,
        lon: 71.43,
        risk: { weapon: true, strangulation: true, threatsToKill: true },
      });
      const res = await http()
        .get(`/api/v1/incidents/${created.body.incidentId}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(res.body).toMatchObject({
        id: created.body.incidentId,
        source: 'call',
        status: 'open',
        priority: 1,
        riskLevel: 'extreme',
        coded: false,
        districtId: yesil,
        lat: 51.128,
        lon: 71.43,
        createdAt: expect.any(String),
        history: { priorIncidents12m: 0, activeProtectiveOrders: 0, priorArrests: 0 },
      });
      expect(res.body.reasons.slice(0, 3)).toEqual([
        'A weapon was used or threatened.',
        'Strangulation or choking.',
        'Threats to kill.',
      ]);
      expect(res.body.timeline).toEqual([
        { type: 'CallRegistered', at: expect.any(String), actorId: dispatcher.id },
        { type: 'IncidentOpened', at: expect.any(String), actorId: dispatcher.id },
      ]);
    });

    it('lists the rule sets with a citation for every value', async () => {
      const res = await http().get('/api/v1/policies').auth(dispatcher.token, { type: 'bearer' });
      const triage = res.body.find((r: { kind: string }) => r.kind === 'triage');
      expect(triage).toMatchObject({ version: '2020.1', validTo: null });
      for (const v of Object.values(triage.values) as Array<{ citation: string }>)
        expect(v.citation.length).toBeGreaterThan(5);
    });
  });
});
