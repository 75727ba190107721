import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger as Pino } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { RETRY_AFTER_SECONDS } from './common/http-exception.filter';
import { PinoNestLogger } from './common/logger';
import { createValidationPipe } from './common/validation';
import { type Runtime } from './config/runtime';
import { MetricsService } from './modules/operations/metrics.service';

/** A batch of a few thousand reports; single JSON bodies keep BODY_LIMIT_BYTES. */
const NDJSON_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/** Builds the HTTP application exactly as production runs it; tests use the same function. */
export async function createApp(
  runtime: Runtime,
  logger: Pino,
  options: AppModuleOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: runtime.env.BODY_LIMIT_BYTES,
    trustProxy: runtime.env.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(runtime, (m) => logger.info(m), options),
    adapter,
    // rawBody: signed intake verifies the HMAC over the exact bytes received.
    { logger: new PinoNestLogger(logger), abortOnError: false, bufferLogs: false, rawBody: true },
  );
  app.setGlobalPrefix('api/v1');
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // NDJSON batches (partner intake) arrive as text and are parsed line by line.
  fastify.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'string', bodyLimit: NDJSON_BODY_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );
  // Every 503 (outage, readiness, a dependency refused) tells clients when to come back.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (reply.statusCode === 503 && !reply.hasHeader('retry-after'))
      void reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    done(null, payload);
  });
  // While draining, Fastify answers requests still arriving on open connections with its own 503
  // (written straight to the socket, past every hook): name Retry-After on those too.
  let draining = false;
  fastify.addHook('preClose', (done) => {
    draining = true;
    done();
  });
  fastify.server.prependListener('request', (_request, response) => {
    if (draining) response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
  });
  const metrics = app.get(MetricsService);
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration
      .labels(request.method, request.routeOptions.url ?? 'unmatched', String(reply.statusCode))
      .observe(reply.elapsedTime / 1000);
    done();
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Qorgau dispatch API')
      .setDescription(
        '102 coded calls, dispatch, protective orders and deadlines (see shared/API.md)',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
