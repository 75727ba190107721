import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as Pino } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module';
import { DomainError } from './common/domain-error';
import { RETRY_AFTER_SECONDS, toErrorBody } from './common/http-exception.filter';
import { parseBoundedJson } from './common/input-limits';
import { PinoNestLogger } from './common/logger';
import { completeOpenApiDocument, ErrorBodyDto } from './common/openapi';
import { createValidationPipe } from './common/validation';
import { type Runtime } from './config/runtime';
import { defaultConsoleDir, registerConsole } from './console-static';
import { MetricsService } from './modules/operations/metrics.service';

/** A batch of a few thousand reports; single JSON bodies keep BODY_LIMIT_BYTES. */
const NDJSON_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

function isNdjsonRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as { ndjson?: boolean } | undefined)?.ndjson === true;
}

function unsupportedMediaType(expected: string): DomainError {
  return new DomainError(
    'UNSUPPORTED_MEDIA_TYPE',
    'unsupported_media_type',
    `Content-Type must be ${expected}`,
  );
}

export interface CreateAppOptions extends AppModuleOptions {
  /** The built console (default: dist/console beside the compiled app). */
  consoleDir?: string;
}

/** Builds the HTTP application exactly as production runs it; tests use the same function. */
export async function createApp(
  runtime: Runtime,
  logger: Pino,
  options: CreateAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: runtime.env.BODY_LIMIT_BYTES,
    trustProxy: runtime.env.TRUST_PROXY,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    // The router refuses a malformed URL (bad percent-encoding) or an over-long path parameter
    // before Nest sees the request; Fastify's own body would quote the whole URL back.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => {
      const body = toErrorBody(error);
      void reply.code(body.statusCode).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(runtime, (m) => logger.info(m), { clock: options.clock }),
    adapter,
    // Body parsers are ours (below): Nest's would add form-encoded bodies and unbounded JSON.
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      bufferLogs: false,
      bodyParser: false,
    },
  );
  app.setGlobalPrefix('api/v1');
  app.useGlobalPipes(createValidationPipe());

  // Security headers on every response: nosniff, no framing, no referrer, and a CSP under which
  // the Swagger UI (its own scripts and styles, no inline script) still works.
  await app.register(helmet, {
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  // The dispatch board and the prosecutor's dashboard: static pages over this API (/console/).
  await registerConsole(fastify, options.consoleDir ?? defaultConsoleDir(), logger);
  // Personal data must not stay in browser or proxy caches: every API answer but health is no-store.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = request.url.split('?')[0];
    if (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/health')) {
      void reply.header('cache-control', 'no-store');
    }
    done(null, payload);
  });
  // Only JSON bodies (and NDJSON where a route asks for it): Fastify's text/plain parser goes
  // too; any other type is 415 UNSUPPORTED_MEDIA_TYPE before a handler runs.
  fastify.removeAllContentTypeParsers();
  // Depth is checked on the raw bytes before JSON.parse, then sizes, forbidden keys and
  // unstorable characters on the parsed value, iteratively: nothing recursive (validation,
  // class-transformer, the idempotency fingerprint) ever sees an unbounded body.
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer', bodyLimit: runtime.env.BODY_LIMIT_BYTES },
    (request, body: Buffer, done) => {
      if (isNdjsonRoute(request)) {
        done(unsupportedMediaType('application/x-ndjson'), undefined);
        return;
      }
      if (body.length === 0) {
        done(new DomainError('MALFORMED_JSON', 'validation', 'Request body is empty'), undefined);
        return;
      }
      // Signed intake verifies its HMAC over the exact bytes received.
      (request as typeof request & { rawBody?: Buffer }).rawBody = body;
      try {
        done(null, parseBoundedJson(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
  // NDJSON is refused before its (larger) body is read on any route that does not take it.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (type === 'application/x-ndjson' && !isNdjsonRoute(request)) {
      done(unsupportedMediaType('application/json'));
      return;
    }
    done(null, payload);
  });
  // NDJSON batches (partner intake) arrive as text; each line is bounded like a JSON body.
  fastify.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'string', bodyLimit: NDJSON_BODY_LIMIT_BYTES },
    (request, body, done) => {
      if (!isNdjsonRoute(request)) {
        done(unsupportedMediaType('application/json'), undefined);
        return;
      }
      done(null, body);
    },
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
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
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
    { extraModels: [ErrorBodyDto] },
  );
  completeOpenApiDocument(app, document);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
