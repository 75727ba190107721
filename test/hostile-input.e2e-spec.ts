import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { type Role } from '../src/common/roles';
import { signBody } from '../src/modules/intake/domain/report-signature';
import { createTestApp, districtIds, TEST_QAMQOR_SECRET, userWithToken } from './support/test-app';

/**
 * Hostile input never costs a 500 or the service's memory: bounded before anything recursive
 * runs, refused with a small 4xx body. The property test discovers the routes from the running
 * app, so a route added tomorrow is covered without touching this file.
 */

/** Measurements the suite prints (case counts, timings, RSS): reported, not asserted. */
// eslint-disable-next-line no-console -- printing these measurements is the point
const report = (line: string): void => console.log(line);

const ROLES: Role[] = ['dispatcher', 'inspector', 'supervisor', 'prosecutor', 'admin'];
const MAX_ERROR_BODY_BYTES = 4096;
const PREFIX = '/api/v1';

interface Answer {
  status: number;
  bytes: number;
  text: string;
  json: { code?: string; details?: Array<{ field: string; code: string }> } & Record<
    string,
    unknown
  >;
}

/** Reads the whole response, counting its bytes; an event stream is cut after its headers. */
function collect(res: IncomingMessage, cb: (err: Error | null, body: unknown) => void): void {
  if (String(res.headers['content-type'] ?? '').startsWith('text/event-stream')) {
    cb(null, { bytes: 0, text: '' });
    res.destroy();
    return;
  }
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => {
    const all = Buffer.concat(chunks);
    cb(null, { bytes: all.length, text: all.toString('utf8') });
  });
  res.on('error', (e) => cb(e, null));
}

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form, e.g. /api/v1/incidents/{id}/close */
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyFields: string[];
  roles: Role[];
}

describe('hostile input', () => {
  let app: NestFastifyApplication;
  const tokens = {} as Record<Role, string>;
  let yesil: string;
  let routes: Route[] = [];
  let ipCounter = 0;
  const nextIp = () => {
    ipCounter += 1;
    return `10.77.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
  };

  async function send(
    method: string,
    url: string,
    opts: {
      token?: string;
      contentType?: string;
      body?: string | Buffer;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Answer> {
    let req = request(app.getHttpServer())
      [method.toLowerCase() as 'get'](url)
      .set('x-forwarded-for', nextIp())
      .buffer(true)
      .parse(collect as never);
    if (opts.token) req = req.auth(opts.token, { type: 'bearer' });
    if (opts.contentType !== undefined) req = req.set('content-type', opts.contentType);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
    const res = opts.body !== undefined ? await req.send(opts.body) : await req;
    const { bytes, text } = res.body as { bytes: number; text: string };
    let json: Answer['json'] = {};
    try {
      json = JSON.parse(text) as Answer['json'];
    } catch {
      // not JSON (metrics text, CSV): only status and size are checked
    }
    return { status: res.status, bytes, text, json };
  }

  const postJson = (url: string, raw: string | Buffer, token?: string) =>
    send('POST', url, { token, contentType: 'application/json', body: raw });

  beforeAll(async () => {
    app = await createTestApp({ env: { TRUST_PROXY: 'true' } });
    [yesil] = await districtIds(app, 'AST-YESIL');
    for (const role of ROLES) tokens[role] = (await userWithToken(app, role)).token;
  });
  afterAll(async () => {
    await app.close();
  });

  function expectSmall4xx(res: Answer, status?: number): void {
    if (status !== undefined) expect(res.status).toBe(status);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.bytes).toBeLessThanOrEqual(MAX_ERROR_BODY_BYTES);
  }

  describe('the quoted examples', () => {
    it('answers JSON nested thousands of levels deep with 400, on /auth/login too', async () => {
      for (const raw of [
        '['.repeat(5000) + ']'.repeat(5000),
        '{"a":'.repeat(5000) + '1' + '}'.repeat(5000),
        `{"username":"u","password":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ]) {
        const res = await postJson(`${PREFIX}/auth/login`, raw);
        expectSmall4xx(res, 400);
        expect(res.json.code).toBe('INPUT_TOO_COMPLEX');
        expect(res.json.details?.[0]).toMatchObject({ code: 'maxDepth' });
      }
      // An authenticated route with an Idempotency-Key: the fingerprint never sees the body.
      const res = await send('POST', `${PREFIX}/units`, {
        token: tokens.admin,
        contentType: 'application/json',
        headers: { 'idempotency-key': `deep-${randomUUID()}` },
        body: `{"callSign":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      });
      expectSmall4xx(res, 400);
      expect(res.json.code).toBe('INPUT_TOO_COMPLEX');
      // Just past the bound, the failing field is named.
      const named = await postJson(
        `${PREFIX}/auth/login`,
        `{"username":"u","password":${'['.repeat(40)}${']'.repeat(40)}}`,
      );
      expectSmall4xx(named, 400);
      expect(named.json.details?.[0]).toMatchObject({
        field: expect.stringMatching(/^password\[0\]/),
        code: 'maxDepth',
      });
    });

    it('answers a 1 MB array of 340,000 numbers with a small 400, quickly', async () => {
      const raw = `[${Array.from({ length: 340_000 }, (_, i) => i % 10).join(',')}]`;
      expect(raw.length).toBeGreaterThan(600_000);
      const started = Date.now();
      const res = await postJson(`${PREFIX}/auth/login`, raw);
      const ms = Date.now() - started;
      expectSmall4xx(res, 400);
      expect(res.json).toMatchObject({
        code: 'INPUT_TOO_COMPLEX',
        details: [{ field: 'body', code: 'maxNodes' }],
      });
      // Logged, not asserted (timing on a shared machine): was 3 s and a 31 MB body.
      report(`340,000-number array: ${res.status} in ${ms} ms, ${res.bytes} bytes`);
    });

    it.each(['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'])(
      'refuses a key named %s as an unknown field, top-level and nested',
      async (key) => {
        const top = await postJson(
          `${PREFIX}/auth/login`,
          `{"username":"a.user","password":"long-enough-pass","${key}":{"x":1}}`,
        );
        expectSmall4xx(top, 400);
        expect(top.json).toMatchObject({
          code: 'VALIDATION_FAILED',
          details: [{ field: key, code: 'unknownField' }],
        });
        const nested = await postJson(
          `${PREFIX}/calls`,
          JSON.stringify({ districtId: yesil, address: 'x' }).replace(
            /}$/,
            `,"victim":{"fullName":"A","${key}":"1"}}`,
          ),
          tokens.dispatcher,
        );
        expectSmall4xx(nested, 400);
        expect(nested.json.details?.[0]).toMatchObject({
          field: `victim.${key}`,
          code: 'unknownField',
        });
      },
    );

    it('refuses forbidden keys in a query string', async () => {
      for (const key of ['__proto__', 'constructor', 'toString']) {
        const res = await send('GET', `${PREFIX}/units?${key}=1`, { token: tokens.admin });
        expectSmall4xx(res, 400);
        expect(res.json.details?.[0]).toMatchObject({ field: key, code: 'unknownField' });
      }
    });

    it('rejects only the NDJSON batch lines with forbidden keys, and keeps the rest', async () => {
      const report = () => ({
        reportId: `QMR-${randomUUID()}`,
        submittedAt: new Date(Date.now() - 60_000).toISOString(),
        districtId: yesil,
        address: 'г. Астана, ул. Кенесары 40',
        text: 'Прошу помощи.',
        applicant: { fullName: 'Тестова Айгуль' },
      });
      const good = [report(), report(), report()];
      const lines = [
        JSON.stringify(good[0]),
        JSON.stringify(report()).replace(/}$/, ',"__proto__":{"admin":true}}'),
        JSON.stringify(good[1]),
        JSON.stringify(report()).replace(/}$/, ',"constructor":{"prototype":{"x":1}}}'),
        JSON.stringify({ ...report(), applicant: { fullName: 'A', toString: 'x' } }),
        '['.repeat(10_000) + ']'.repeat(10_000),
        JSON.stringify(good[2]),
      ];
      const raw = lines.join('\n');
      const ts = String(Math.floor(Date.now() / 1000));
      const res = await send('POST', `${PREFIX}/intake/qamqor/batch`, {
        contentType: 'application/x-ndjson',
        headers: { 'x-timestamp': ts, 'x-signature': signBody(TEST_QAMQOR_SECRET, ts, raw) },
        body: raw,
      });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        accepted: 3,
        duplicates: 0,
        rejected: [
          { line: 2, code: 'VALIDATION_FAILED', message: expect.stringContaining('__proto__') },
          { line: 4, code: 'VALIDATION_FAILED', message: expect.stringContaining('constructor') },
          {
            line: 5,
            code: 'VALIDATION_FAILED',
            message: expect.stringContaining('applicant.toString'),
          },
          { line: 6, code: 'INPUT_TOO_COMPLEX', message: expect.any(String) },
        ],
      });
      const [{ n }] = (await app
        .get(DataSource)
        .query(`SELECT count(*)::int AS n FROM intake_reports WHERE report_id = ANY($1)`, [
          good.map((g) => g.reportId),
        ])) as Array<{ n: number }>;
      expect(n).toBe(3);
    });

    it.each([
      '0000-01-01T00:00:00Z',
      '1899-12-31T23:59:59Z',
      '2201-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
    ])('answers from=%s on a list route with 400 naming the field', async (from) => {
      const res = await send('GET', `${PREFIX}/audit/access-log?from=${encodeURIComponent(from)}`, {
        token: tokens.prosecutor,
      });
      expectSmall4xx(res, 400);
      expect(res.json.details?.map((d) => d.field)).toEqual(['from']);
    });

    it('still accepts dates inside the range', async () => {
      const res = await send(
        'GET',
        `${PREFIX}/audit/access-log?from=${encodeURIComponent('1900-01-01T00:00:00Z')}&to=${encodeURIComponent('2200-12-31T23:59:59+05:00')}`,
        { token: tokens.prosecutor },
      );
      expect(res.status).toBe(200);
    });

    it.each([
      ['application/x-www-form-urlencoded', 'username=a&password=b'],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--',
      ],
      ['text/plain', '{"username":"a","password":"b"}'],
      ['application/x-ndjson', '{"username":"a","password":"b"}'],
    ])('answers a %s body with 415', async (type, body) => {
      const res = await send('POST', `${PREFIX}/auth/login`, { contentType: type, body });
      expectSmall4xx(res, 415);
      expect(res.json.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers a non-UUID path id with 400, never 500', async () => {
      for (const id of ['1', 'null', '__proto__', 'constructor', `${randomUUID()}x`]) {
        const res = await send('GET', `${PREFIX}/incidents/${id}`, { token: tokens.supervisor });
        expectSmall4xx(res, 400);
        expect(res.json.details?.[0]?.field).toBe('id');
      }
      // Longer than Fastify's parameter limit: 414 before any handler.
      expectSmall4xx(
        await send('GET', `${PREFIX}/incidents/${'x'.repeat(2000)}`, { token: tokens.supervisor }),
        414,
      );
    });

    it('answers a malformed URL in the error shape, without quoting the URL back', async () => {
      const res = await send('GET', `${PREFIX}/incidents/%ED%A0%80?q=${'z'.repeat(5000)}`, {
        token: tokens.supervisor,
      });
      expectSmall4xx(res, 400);
      expect(res.json).toEqual({
        statusCode: 400,
        code: 'BAD_URL',
        message: 'The URL is malformed',
      });
    });

    it('refuses NDJSON on a route that takes JSON, before reading it', async () => {
      const res = await send('POST', `${PREFIX}/users`, {
        token: tokens.admin,
        contentType: 'application/x-ndjson; charset=utf-8',
        body: '{"username":"a"}\n{"username":"b"}',
      });
      expectSmall4xx(res, 415);
      expect(res.json.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('caps the error list: a few details and a count', async () => {
      const body: Record<string, unknown> = { username: 'a', password: 'b' };
      for (let i = 0; i < 150; i++) body[`unknown${i}_${'k'.repeat(150)}`] = i;
      const res = await postJson(`${PREFIX}/auth/login`, JSON.stringify(body));
      expectSmall4xx(res, 400);
      expect(res.json.details).toHaveLength(10);
      expect(res.json.detailsTruncated).toBeGreaterThanOrEqual(140);
    });
  });

  describe('generated hostile requests on every discovered route', () => {
    const RUNS_PER_ROUTE = 16;

    /** Fastify's route table (the source of truth: a route missing from the docs is still hit). */
    function fastifyRoutes(): Array<{ method: Route['method']; path: string }> {
      const table = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
      const found: Array<{ method: Route['method']; path: string }> = [];
      const stack: string[] = [];
      for (const line of table.split('\n')) {
        const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
        if (!m) continue;
        const depth = m[1].length / 4;
        stack.length = depth;
        const path = (stack[depth - 1] ?? '') + m[2];
        stack[depth] = path;
        for (const method of (m[3] ?? '').split(', ')) {
          if (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method) && path.startsWith(PREFIX))
            found.push({
              method: method as Route['method'],
              path: path.replace(/:(\w+)/g, '{$1}'),
            });
        }
      }
      return found;
    }

    type Schema = { $ref?: string; properties?: Record<string, unknown> };
    type Operation = {
      parameters?: Array<{ name: string; in: string }>;
      requestBody?: { content?: Record<string, { schema?: Schema }> };
    };

    async function discoverRoutes(): Promise<Route[]> {
      const doc = (await send('GET', '/api/docs-json')).json as unknown as {
        paths: Record<string, Record<string, Operation>>;
        components?: { schemas?: Record<string, Schema> };
      };
      const resolve = (schema?: Schema): Schema | undefined =>
        schema?.$ref ? doc.components?.schemas?.[schema.$ref.split('/').pop()!] : schema;
      const result: Route[] = [];
      for (const { method, path } of fastifyRoutes()) {
        const op = doc.paths[path]?.[method.toLowerCase()] ?? {};
        const params = op.parameters ?? [];
        const body = resolve(op.requestBody?.content?.['application/json']?.schema);
        result.push({
          method,
          path,
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
          bodyFields: Object.keys(body?.properties ?? {}),
          roles: [],
        });
      }
      // The roles each route admits, found by asking it: 401/403 means "not this role".
      for (const route of result) {
        const url = route.path.replace(/\{\w+\}/g, () => randomUUID());
        for (const role of ROLES) {
          const res = await send(route.method, url, {
            token: tokens[role],
            ...(route.method === 'GET' ? {} : { contentType: 'application/json', body: '{}' }),
          });
          if (res.status !== 401 && res.status !== 403) route.roles.push(role);
        }
        if (route.roles.length === 0) route.roles = [...ROLES];
      }
      return result;
    }

    const FORBIDDEN = [
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'valueOf',
      'hasOwnProperty',
    ];
    const EXTREME_DATES = [
      '0000-01-01T00:00:00Z',
      '-000001-01-01T00:00:00Z',
      '+275760-09-13T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '1899-12-31T23:59:59+14:00',
      '2200-12-31T23:59:59-12:00',
      '1970-01-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-11-22T10:00:00',
      '294277-01-01T00:00:00Z',
    ];
    const enc = (text: string): string => {
      try {
        return encodeURIComponent(text);
      } catch {
        return '%ED%A0%80'; // a lone surrogate, as UTF-8 bytes no decoder accepts
      }
    };
    const loneSurrogates = fc.string({
      unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      minLength: 1,
      maxLength: 4,
    });
    const oddString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
      loneSurrogates,
      fc.constantFrom(
        '\u0000',
        'a\u0000b',
        '\u202e',
        '\ufeff',
        '𝕏'.repeat(50),
        '%00',
        "' OR 1=1 --",
      ),
    );
    const hugeString = fc
      .record({ n: fc.integer({ min: 1_000, max: 600_000 }), ch: fc.constantFrom('x', 'ж', '😀') })
      .map(({ n, ch }) => ch.repeat(Math.floor(n / Buffer.byteLength(ch))));
    const dateValue = fc.oneof(
      fc.constantFrom(...EXTREME_DATES),
      fc
        .date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true })
        .map((d) => d.toISOString()),
    );
    const value = fc.oneof(
      { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 3 },
      { arbitrary: oddString, weight: 2 },
      { arbitrary: dateValue, weight: 2 },
      { arbitrary: hugeString, weight: 1 },
      { arbitrary: fc.constantFrom(1e308, -1, 0, 2 ** 53, -0.5, true, null), weight: 1 },
    );

    /** A JSON-ish body: raw text, so it can be deeper or bigger than JSON.stringify would allow. */
    function jsonBody(fields: string[]): fc.Arbitrary<string> {
      const field = fc.constantFrom(...fields, 'extra');
      const nest = (depth: number, open: string) =>
        open === '['
          ? '['.repeat(depth) + ']'.repeat(depth)
          : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const under = (f: string | null, inner: string) => (f === null ? inner : `{"${f}":${inner}}`);
      return fc.oneof(
        // deep nesting
        fc
          .record({
            depth: fc.integer({ min: 20, max: 60_000 }),
            open: fc.constantFrom('[', '{'),
            at: fc.option(field),
          })
          .map(({ depth, open, at }) => under(at, nest(depth, open))),
        // huge arrays
        fc
          .record({ n: fc.integer({ min: 500, max: 300_000 }), at: fc.option(field) })
          .map(({ n, at }) => under(at, `[${'1,'.repeat(n - 1)}1]`)),
        // many keys
        fc
          .integer({ min: 100, max: 60_000 })
          .map((n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i % 7}`).join(',')}}`),
        // forbidden keys, top level or nested
        fc
          .record({
            key: fc.constantFrom(...FORBIDDEN),
            at: fc.option(field),
            values: fc.dictionary(field, value, { maxKeys: 4 }),
          })
          .map(({ key, at, values }) => {
            const text = JSON.stringify(values);
            const inner = `{"${key}":{"polluted":true}}`;
            return at === null
              ? text.replace(/^\{/, `{"${key}":{"polluted":true}${text === '{}' ? '' : ','}`)
              : text.replace(/^\{/, `{"${at}":${inner}${text === '{}' ? '' : ','}`);
          }),
        // known fields with wrong types, odd unicode, extreme dates, huge strings
        fc.dictionary(field, value, { maxKeys: 8 }).map((v) => JSON.stringify(v)),
        // not an object, or not JSON at all
        fc.oneof(
          fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
          fc.constantFrom(
            '',
            '{',
            '{"a":1,}',
            '\ufeff{}',
            '1e999',
            '[]',
            'null',
            '"x"',
            '{"a":"\\ud800"}',
          ),
          fc.string({ maxLength: 50 }),
        ),
      );
    }

    function bodyArb(route: Route): fc.Arbitrary<{ contentType: string; raw: string } | undefined> {
      if (route.method === 'GET') return fc.constant(undefined);
      const json = jsonBody(route.bodyFields);
      return fc.oneof(
        { arbitrary: json.map((raw) => ({ contentType: 'application/json', raw })), weight: 8 },
        {
          arbitrary: fc
            .array(json, { minLength: 1, maxLength: 4 })
            .map((lines) => ({ contentType: 'application/x-ndjson', raw: lines.join('\n') })),
          weight: 1,
        },
        {
          arbitrary: fc.record({
            contentType: fc.constantFrom(
              'application/x-www-form-urlencoded',
              'multipart/form-data; boundary=x',
              'text/plain',
              'application/xml',
              'Application/JSON; charset=utf-16',
              'application/octet-stream',
            ),
            raw: fc.constantFrom('username=a&password=b', '{"a":1}', '--x--', '<a/>'),
          }),
          weight: 1,
        },
      );
    }

    function queryArb(route: Route): fc.Arbitrary<string> {
      const key = fc.oneof(
        fc.constantFrom(...route.queryParams, ...FORBIDDEN, 'from', 'to', 'limit', 'districtId'),
        oddString.map(enc),
      );
      const val = fc.oneof(
        dateValue.map(enc),
        oddString.map(enc),
        fc.uuid(),
        fc.constantFrom('%00', '%ED%A0%80', '%FF', '1e309', '-1', 'NaN', '', '9'.repeat(400)),
        fc.integer({ min: 1, max: 6_000 }).map((n) => 'q'.repeat(n)),
      );
      return fc
        .array(fc.tuple(key, val), { maxLength: 8 })
        .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
    }

    const idArb = fc.oneof(
      fc.uuid(),
      fc.constantFrom(
        '0',
        'null',
        '__proto__',
        'constructor',
        '%00',
        '%ED%A0%80',
        '%2e%2e',
        '00000000-0000-0000-0000-000000000000',
        'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
        "1'%20OR%20'1'%3D'1",
      ),
      fc.string({ minLength: 1, maxLength: 120 }).map(enc),
    );

    it('answers every generated hostile request with < 500 and a small error body', async () => {
      routes = await discoverRoutes();
      // Every write and list route of the API is reached, whatever the docs say.
      expect(routes.length).toBeGreaterThan(20);
      expect(routes.some((r) => r.path === `${PREFIX}/auth/login` && r.method === 'POST')).toBe(
        true,
      );
      const failures: string[] = [];
      let cases = 0;
      const started = Date.now();
      for (const route of routes) {
        const caseArb = fc.record({
          role: fc.constantFrom(...route.roles),
          ids: fc.array(idArb, {
            minLength: route.pathParams.length,
            maxLength: route.pathParams.length,
          }),
          query: queryArb(route),
          body: bodyArb(route),
          idempotencyKey: fc.option(fc.uuid()),
        });
        const outcome = await fc.check(
          fc.asyncProperty(caseArb, async (c) => {
            cases += 1;
            let i = 0;
            const url = route.path.replace(/\{\w+\}/g, () => c.ids[i++]) + c.query;
            const ts = String(Math.floor(Date.now() / 1000));
            const raw = c.body?.raw ?? '';
            const res = await send(route.method, url, {
              token: tokens[c.role],
              contentType: c.body?.contentType,
              body: c.body ? c.body.raw : undefined,
              headers: {
                // Signed intake routes then validate what they get; others ignore the headers.
                'x-timestamp': ts,
                'x-signature': signBody(TEST_QAMQOR_SECRET, ts, raw),
                ...(c.idempotencyKey ? { 'idempotency-key': c.idempotencyKey } : {}),
              },
            });
            if (res.status >= 500 || (res.status >= 400 && res.bytes > MAX_ERROR_BODY_BYTES)) {
              throw new Error(`${res.status}, ${res.bytes} bytes: ${res.text.slice(0, 200)}`);
            }
          }),
          { numRuns: RUNS_PER_ROUTE },
        );
        if (outcome.failed) {
          const example = JSON.stringify(outcome.counterexample).slice(0, 300);
          failures.push(
            `${route.method} ${route.path} (seed ${outcome.seed}): ${String(outcome.errorInstance).slice(0, 300)} ← ${example}`,
          );
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const documented = routes.filter((r) => r.bodyFields.length || r.queryParams.length).length;
      report(
        `hostile-input property: ${cases} cases over ${routes.length} routes ` +
          `(${documented} with documented fields) in ${seconds} s; roles: ` +
          routes
            .map((r) => `${r.method} ${r.path.slice(PREFIX.length)} ${r.roles.join('/')}`)
            .join('; '),
      );
      expect(failures).toEqual([]);
    });
  });

  it('keeps memory bounded under a burst of 20 concurrent 1 MB hostile bodies', async () => {
    const numbers = `[${'7,'.repeat(340_000)}7]`;
    const deep = '['.repeat(500_000) + ']'.repeat(500_000);
    const keys = `{${Array.from({ length: 40_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    const bodies = [numbers, deep, keys];
    global.gc?.();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    let healthMs = -1;
    const health = (async () => {
      await new Promise((r) => setTimeout(r, 50));
      const t = Date.now();
      const res = await send('GET', `${PREFIX}/health`);
      healthMs = Date.now() - t;
      return res.status;
    })();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => postJson(`${PREFIX}/auth/login`, bodies[i % 3])),
    );
    const elapsed = Date.now() - started;
    const peak = process.memoryUsage().rss;
    expect(await health).toBe(200);
    for (const a of answers) expectSmall4xx(a, 400);
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    report(
      `burst of 20 x ~1 MB hostile bodies: ${elapsed} ms; /health ${healthMs} ms; RSS ${mb(before)} MB -> ${mb(peak)} MB (+${mb(peak - before)} MB)`,
    );
    // Generous: the defect took the process to 2.6 GB.
    expect(peak - before).toBeLessThan(512 * 1024 * 1024);
  });
});
