import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger as Pino } from 'pino';

export const CONSOLE_PREFIX = '/console/';

/**
 * The pages are static files over the public API: nothing but the page's own scripts, styles
 * and its calls to this origin. Stricter than the API's policy (which lets the Swagger UI use
 * inline styles): no inline style either.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console: dist/console beside dist/src (the compiled app). */
export function defaultConsoleDir(): string {
  // The compiled app (dist/src) knows its own folder; a run from the sources (the ESM tests) looks
  // in the checkout's dist/ from where it was started. Never the console's sources in console/.
  return typeof __dirname === 'string' && basename(resolve(__dirname, '..')) === 'dist'
    ? resolve(__dirname, '..', 'console')
    : resolve(process.cwd(), 'dist', 'console');
}

/**
 * Serves the built console at /console/. The HTML is revalidated on every load (a new build is
 * picked up at once); the hashed assets never change, so they may be kept. The pages hold no
 * data: everything personal comes from /api/v1, which stays `no-store`.
 */
export async function registerConsole(
  fastify: FastifyInstance,
  dir: string,
  logger: Pino,
): Promise<void> {
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const path = request.url.split('?')[0];
    if (path === '/console' || path.startsWith(CONSOLE_PREFIX)) {
      void reply.header('content-security-policy', CONSOLE_CSP);
      if (reply.statusCode === 200)
        void reply.header(
          'cache-control',
          path.startsWith(`${CONSOLE_PREFIX}assets/`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
    }
    done(null, payload);
  });
  fastify.get('/console', (_request, reply) => reply.redirect(CONSOLE_PREFIX, 301));

  if (!existsSync(join(dir, 'index.html'))) {
    // Not a fault of the service (the API is whole): `nest build` alone leaves it out.
    logger.info({ dir }, 'console not built (run `npm run build`): /console/ answers 404');
    const notBuilt = {
      statusCode: 404,
      code: 'CONSOLE_NOT_BUILT',
      message: 'The console has not been built: run `npm run build`',
    };
    fastify.get(`${CONSOLE_PREFIX}*`, (_request, reply) => reply.code(404).send(notBuilt));
    return;
  }
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: CONSOLE_PREFIX,
    // The Swagger UI registers the plugin too; one `sendFile` decoration is enough.
    decorateReply: false,
    index: ['index.html'],
    // Dotfiles, directory listings and source maps of the bundle are not served.
    dotfiles: 'deny',
    list: false,
    allowedPath: (pathName) => !pathName.endsWith('.map'),
    cacheControl: false,
    etag: true,
    lastModified: true,
  });
}
