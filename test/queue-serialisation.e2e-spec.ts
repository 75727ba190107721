import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { QUEUE_RESPONSE_SCHEMA } from '../src/modules/dispatch/api/dispatch-queue.schema';
import { DispatchQueueHandler } from '../src/modules/dispatch/application/queries/queue/dispatch-queue.handler';
import { createTestApp, districtIds, userWithToken } from './support/test-app';

/** Issue 8: the queue is serialised by Fastify from the schema OpenAPI documents. */
describe('queue response serialisation', () => {
  let app: NestFastifyApplication;
  let dispatcher: Awaited<ReturnType<typeof userWithToken>>;
  let district: string;

  beforeAll(async () => {
    app = await createTestApp();
    [district] = await districtIds(app, 'AST-YESIL');
    dispatcher = await userWithToken(app, 'dispatcher', ['AST-YESIL']);
  });
  afterAll(async () => {
    await app.close();
  });

  it('serialises through the compiled schema: a field the schema lacks never leaves', async () => {
    const call = await request(app.getHttpServer())
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: '+77015550102', districtId: district, address: 'ул. Схемы 2' });
    expect(call.status).toBe(201);
    // The real handler's real rows, plus a field it must never expose: JSON.stringify would send
    // it, the schema's serializer does not.
    const handler = app.get(DispatchQueueHandler);
    const real = handler.execute.bind(handler);
    let calls = 0;
    handler.execute = async (q) => {
      calls += 1;
      return (await real(q)).map((item) => ({ ...item, callerPhone: '+77015550102' }));
    };
    try {
      const res = await request(app.getHttpServer())
        .get(`/api/v1/dispatch/queue?districtId=${district}`)
        .auth(dispatcher.token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(calls).toBe(1);
      expect(res.body.length).toBeGreaterThan(0);
      expect(res.text).not.toContain('callerPhone');
      expect(res.text).not.toContain('+77015550102');
    } finally {
      handler.execute = real;
    }
  });

  it('documents the same schema in OpenAPI', async () => {
    const res = await request(app.getHttpServer()).get('/api/docs-json');
    expect(res.status).toBe(200);
    const op = res.body.paths['/api/v1/dispatch/queue'].get;
    expect(op.responses['200'].content['application/json'].schema).toEqual(QUEUE_RESPONSE_SCHEMA);
  });

  it('sends exactly the schema’s fields, with their JSON types', async () => {
    const call = await request(app.getHttpServer())
      .post('/api/v1/calls')
      .auth(dispatcher.token, { type: 'bearer' })
      .send({ callerPhone: '+77015550101', districtId: district, address: 'ул. Сериализации 1' });
    expect(call.status).toBe(201);
    // Other specs leave open incidents in this district (the database is shared by the run):
    // read the whole queue, not its head, so this call is in it whatever ran before.
    const res = await request(app.getHttpServer())
      .get(`/api/v1/dispatch/queue?districtId=${district}&limit=1000`)
      .auth(dispatcher.token, { type: 'bearer' });
    expect(res.status).toBe(200);
    const item = (res.body as Array<Record<string, unknown>>).find(
      (i) => i.incidentId === call.body.incidentId,
    );
    expect(item).toBeDefined();
    const schemaItem = QUEUE_RESPONSE_SCHEMA.items as { properties: Record<string, unknown> };
    expect(Object.keys(item as object).sort()).toEqual(Object.keys(schemaItem.properties).sort());
    expect(item).toMatchObject({
      priority: call.body.priority,
      coded: false,
      overdue: false,
      districtId: district,
      address: 'ул. Сериализации 1',
      source: 'call',
    });
    expect(typeof item?.waitingSeconds).toBe('number');
    expect(new Date(item?.receivedAt as string).toISOString()).toBe(item?.receivedAt);
  });
});
