import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { createTestApp, userWithToken } from './support/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  example?: unknown;
};
type Operation = {
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  'x-public'?: boolean;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const WRITES = ['post', 'put', 'patch', 'delete'];

/**
 * Prosecutors read everything and change nothing: every write operation the OpenAPI document
 * lists (derived from the document, so a new route is covered the day it is added) answers 403
 * to a prosecutor's token, with a body that would otherwise be plausible.
 */
describe('prosecutors change nothing', () => {
  let app: NestFastifyApplication;
  let doc: Document;
  let token: string;

  beforeAll(async () => {
    app = await createTestApp();
    doc = (await request(app.getHttpServer()).get('/api/docs-json')).body as Document;
    token = (await userWithToken(app, 'prosecutor')).token;
  });
  afterAll(async () => {
    await app.close();
  });

  const resolve = (schema: Schema | undefined): Schema =>
    schema?.$ref
      ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')]
      : (schema ?? {});

  /** A value of the schema's shape: what a client that read the document would send. */
  function sample(schema: Schema | undefined, depth = 0): unknown {
    const s = resolve(schema);
    if (s.example !== undefined) return s.example;
    if (s.enum?.length) return s.enum[0];
    if (s.allOf?.length) return Object.assign({}, ...s.allOf.map((p) => sample(p, depth)));
    if (s.oneOf?.length) return sample(s.oneOf[0], depth);
    if (s.type === 'array') return depth > 4 ? [] : [sample(s.items, depth + 1)];
    if (s.type === 'object' || s.properties) {
      if (depth > 4) return {};
      return Object.fromEntries(
        Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v, depth + 1)]),
      );
    }
    if (s.type === 'integer' || s.type === 'number') return 1;
    if (s.type === 'boolean') return true;
    if (s.format === 'uuid') return randomUUID();
    if (s.format === 'date-time') return '2026-11-22T10:00:00+05:00';
    if (s.format === 'date') return '2026-11-22';
    return 'text';
  }

  it('answers 403 to every write route of the document', async () => {
    const writes: Array<{ method: string; path: string; body: unknown }> = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!WRITES.includes(method) || op['x-public']) continue;
        const schema = op.requestBody?.content?.['application/json']?.schema;
        writes.push({
          method,
          path: path.replace(/\{[^}]+\}/g, () => randomUUID()),
          body: schema ? sample(schema) : undefined,
        });
      }
    }
    // Many routes, from several modules (the first path segment after /api/v1).
    expect(writes.length).toBeGreaterThanOrEqual(15);
    const modules = new Set(writes.map((w) => w.path.split('/')[3]));
    for (const m of ['calls', 'incidents', 'users', 'protective-orders', 'alerts'])
      expect(modules).toContain(m);

    const answers: string[] = [];
    for (const w of writes) {
      let req = request(app.getHttpServer())
        [w.method as 'post'](w.path)
        .set('authorization', `Bearer ${token}`);
      if (w.body !== undefined) req = req.send(w.body as object);
      const res = await req;
      answers.push(
        `${w.method.toUpperCase()} ${w.path.replace(/[0-9a-f-]{36}/g, '{id}')} → ${res.status} ${res.body?.code ?? ''}`,
      );
    }
    const refused = answers.filter((a) => / → 403 FORBIDDEN$/.test(a));
    // Listed, so a failure names the route that let a prosecutor write.
    expect(answers.filter((a) => !refused.includes(a))).toEqual([]);
    expect(refused).toHaveLength(writes.length);
  });
});
