import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ROLES } from '../src/common/roles';
import { createTestApp, userWithToken } from './support/test-app';

type Schema = {
  $ref?: string;
  type?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  allOf?: Schema[];
  oneOf?: Schema[];
  additionalProperties?: Schema | boolean;
};
type Response = { description?: string; content?: Record<string, { schema?: Schema }> };
type Operation = {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
  responses?: Record<string, Response>;
  security?: Array<Record<string, string[]>>;
  'x-roles'?: string[];
  'x-public'?: boolean;
};
type Document = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

/**
 * Generated clients are how other systems talk to this one: every operation of the real app's
 * document must say what it answers, how it fails, and who may call it.
 */
describe('OpenAPI document', () => {
  let app: NestFastifyApplication;
  let doc: Document;

  beforeAll(async () => {
    app = await createTestApp();
    const res = await request(app.getHttpServer()).get('/api/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
  });
  afterAll(async () => {
    await app.close();
  });

  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (!schema?.$ref) return schema;
    return doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')];
  };

  /** An object schema with no properties tells a client nothing; walks into arrays and refs. */
  const emptySchemas = (schema: Schema | undefined, seen = new Set<Schema>()): string[] => {
    const resolved = resolve(schema);
    if (!resolved) return [`unresolvable ${schema?.$ref ?? 'schema'}`];
    if (seen.has(resolved)) return [];
    seen.add(resolved);
    if (resolved.items) return emptySchemas(resolved.items, seen);
    const parts = [...(resolved.allOf ?? []), ...(resolved.oneOf ?? [])];
    if (parts.length > 0) return parts.flatMap((p) => emptySchemas(p, seen));
    // A map (key → value): its values must be described, or at least declared free-form.
    if (resolved.additionalProperties !== undefined && !resolved.properties) {
      const values = resolved.additionalProperties;
      return typeof values === 'object' ? emptySchemas(values, seen) : [];
    }
    if (resolved.type === 'object' || resolved.properties) {
      const props = Object.entries(resolved.properties ?? {});
      if (props.length === 0) return [`schema ${schema?.$ref ?? '(inline)'} has no properties`];
      return props.flatMap(([, p]) => emptySchemas(p, seen));
    }
    return resolved.type || schema?.$ref ? [] : ['schema without a type'];
  };

  function gapsOf(path: string, method: string, operation: Operation): string[] {
    const gaps: string[] = [];
    const responses = operation.responses ?? {};
    if (!operation.summary) gaps.push('no summary');

    const successes = Object.entries(responses).filter(([s]) => /^2\d\d$/.test(s));
    if (successes.length === 0) gaps.push('no 2xx response');
    for (const [status, response] of successes) {
      if (status === '204') continue;
      const content = response.content ?? {};
      if (content['text/event-stream'] || content['text/plain']) continue;
      const schema = content['application/json']?.schema;
      if (!schema) gaps.push(`${status} has no application/json schema`);
      else gaps.push(...emptySchemas(schema).map((g) => `${status}: ${g}`));
    }

    const errors = Object.entries(responses).filter(([s]) => /^[45]\d\d$/.test(s));
    if (errors.length === 0) gaps.push('no error responses');
    for (const [status, response] of errors) {
      const ref = response.content?.['application/json']?.schema?.$ref;
      // Readiness answers 503 with its own body (the probe reads `database`/`migrations`).
      const own = path === '/api/v1/health/ready' && status === '503';
      const expected = own ? 'ReadinessResponseDto' : 'ErrorBodyDto';
      if (ref !== `#/components/schemas/${expected}`)
        gaps.push(`${status} is not an ${expected.replace('Dto', '')}`);
    }
    const needs = (status: string, why: string) => {
      if (!responses[status]) gaps.push(`no ${status} (${why})`);
    };
    const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
    if (hasInput) needs('400', 'it takes input');
    if (operation.requestBody) {
      needs('413', 'it takes a body');
      needs('415', 'it takes a body');
    }
    needs('503', 'it uses the database');

    if (operation['x-public'] === true) {
      if (!/Public/.test(operation.description ?? '')) gaps.push('public, but the text says not');
      if ((operation.security ?? []).length > 0) gaps.push('public, but requires security');
    } else {
      const roles = operation['x-roles'];
      if (!roles || roles.length === 0) gaps.push('no x-roles');
      else {
        const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
        if (unknown.length > 0) gaps.push(`unknown roles ${unknown.join(',')}`);
        if (!(operation.description ?? '').includes(`Roles: ${roles.join(', ')}`))
          gaps.push('roles not in the description');
      }
      if (!operation.security?.some((s) => 'bearer' in s)) gaps.push('no bearer security');
      needs('401', 'it needs a token');
      needs('403', 'it needs a role');
      if (WRITES.has(method)) {
        const header = (operation.parameters ?? []).find(
          (p) => p.in === 'header' && p.name === 'Idempotency-Key',
        );
        if (!header) gaps.push('no Idempotency-Key header (authenticated write)');
        needs('409', 'IDEMPOTENCY_KEY_REUSED');
      }
    }
    return gaps;
  }

  it('describes every operation completely (responses, errors, roles, Idempotency-Key)', () => {
    const gaps: string[] = [];
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        operations += 1;
        for (const gap of gapsOf(path, method, operation))
          gaps.push(`${method.toUpperCase()} ${path}: ${gap}`);
      }
    }
    expect(operations).toBeGreaterThanOrEqual(34);
    // Listed by operation, so the failure message is the to-do list.
    expect(gaps).toEqual([]);
  });

  it('documents the roles the guard really enforces', async () => {
    const op = (path: string, method: string) => doc.paths[`/api/v1${path}`][method];
    expect(op('/users', 'get')['x-roles']).toEqual(['admin']);
    expect(op('/calls', 'post')['x-roles']).toEqual(['dispatcher']);
    expect(op('/auth/login', 'post')['x-public']).toBe(true);
    expect(op('/intake/qamqor', 'post')['x-public']).toBe(true);

    // Cross-check against the guard: a role the document leaves out is refused, one it lists is not.
    const inspector = await userWithToken(app, 'inspector');
    const admin = await userWithToken(app, 'admin');
    expect(op('/users', 'get')['x-roles']).not.toContain('inspector');
    const refused = await request(app.getHttpServer())
      .get('/api/v1/users')
      .set('authorization', `Bearer ${inspector.token}`);
    expect(refused.status).toBe(403);
    const allowed = await request(app.getHttpServer())
      .get('/api/v1/users')
      .set('authorization', `Bearer ${admin.token}`);
    expect(allowed.status).toBe(200);
  });

  it('describes the live dispatch stream as text/event-stream', () => {
    const stream = doc.paths['/api/v1/dispatch/stream'].get;
    expect(stream.responses?.['200']?.content?.['text/event-stream']).toBeDefined();
  });
});
