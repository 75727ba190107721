import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Clock } from '@app/kz';
import { runMigrationsLocked } from '@app/persistence';
import { DataSource, DataSourceOptions } from 'typeorm';
import { migrations } from '../migrations';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { Runtime } from './config/runtime';
import { CoreModule } from './core/core.module';
import { AuditModule } from './modules/audit/audit.module';
import { IdentityModule } from './modules/identity/identity.module';
import { IncidentsModule } from './modules/incidents/incidents.module';
import { DispatchModule } from './modules/dispatch/dispatch.module';
import { DispatchLiveModule } from './modules/dispatch/live/live.module';
import { DeadlinesModule } from './modules/deadlines/deadlines.module';
import { EnforcementModule } from './modules/enforcement/enforcement.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { IntakeModule } from './modules/intake/intake.module';
import { OperationsModule } from './modules/operations/operations.module';
import { PeopleModule } from './modules/people/people.module';
import { PolicyModule } from './modules/policy/policy.module';
import { ReferenceModule } from './modules/reference/reference.module';

export function dataSourceOptions(runtime: Runtime): DataSourceOptions {
  return {
    type: 'postgres',
    url: runtime.databaseUrl,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    logging: false,
    extra: {
      max: runtime.env.DB_POOL_SIZE,
      connectionTimeoutMillis: 5_000,
      application_name: 'qorgau-dispatch',
    },
  };
}

/**
 * With DATABASE_MIGRATION_URL (the owner), migrations run through a short-lived connection of that
 * role, and the app itself connects as DATABASE_URL's less privileged role (deploy/roles.sql).
 */
export async function runMigrationsAsOwner(
  runtime: Runtime,
  log: (message: string) => void,
): Promise<void> {
  const url = runtime.env.DATABASE_MIGRATION_URL;
  if (!url) return;
  const owner = await new DataSource({
    ...dataSourceOptions(runtime),
    url,
    // Two: one holds the advisory lock while the other runs the migrations.
    extra: { max: 2, connectionTimeoutMillis: 5_000, application_name: 'qorgau-migrate' },
  } as DataSourceOptions).initialize();
  try {
    await runMigrationsLocked(owner, log);
  } finally {
    await owner.destroy();
  }
}

/** Test seams: only the clock may be replaced (fakes are for the clock and outbound channels). */
export interface AppModuleOptions {
  clock?: Clock;
}

@Module({})
export class AppModule {
  static forRoot(
    runtime: Runtime,
    log: (message: string) => void = () => undefined,
    options: AppModuleOptions = {},
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          load: [() => ({ ...runtime.env })],
        }),
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(runtime), autoLoadEntities: true }),
          // Migrations run before any module uses the database, under an advisory lock.
          dataSourceFactory: async (options) => {
            await runMigrationsAsOwner(runtime, log);
            const dataSource = await new DataSource(options as DataSourceOptions).initialize();
            if (!runtime.env.DATABASE_MIGRATION_URL) await runMigrationsLocked(dataSource, log);
            return dataSource;
          },
        }),
        CqrsModule.forRoot(),
        CoreModule.forRoot(runtime, { clock: options.clock }),
        AuditModule,
        IdentityModule,
        ReferenceModule,
        PolicyModule,
        PeopleModule,
        IncidentsModule,
        DispatchModule,
        DispatchLiveModule,
        IntakeModule,
        DeadlinesModule,
        EnforcementModule,
        NotificationsModule,
        OperationsModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
