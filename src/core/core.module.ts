import { DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { EventNotifier, EventStore } from '@app/event-store';
import { Clock, SystemClock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { DataSource } from 'typeorm';
import { Runtime, RUNTIME } from '../config/runtime';

/** Cross-cutting providers every module may inject: runtime settings, clock, transactions, events. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(runtime: Runtime, options: { clock?: Clock } = {}): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: RUNTIME, useValue: runtime },
        options.clock
          ? { provide: Clock, useValue: options.clock }
          : { provide: Clock, useClass: SystemClock },
        {
          provide: UnitOfWork,
          inject: [DataSource],
          useFactory: (ds: DataSource) => new UnitOfWork(ds),
        },
        {
          // Appends are announced after commit, off the commit's critical path (issue 8).
          provide: EventNotifier,
          useFactory: () => {
            const logger = new Logger('EventNotifier');
            return new EventNotifier({
              connectionString: runtime.databaseUrl,
              applicationName: 'qorgau-event-notifier',
              log: (message) => logger.warn(message),
            });
          },
        },
        {
          provide: EventStore,
          inject: [Clock, EventNotifier],
          useFactory: (clock: Clock, notifier: EventNotifier) =>
            new EventStore(() => clock.now(), notifier),
        },
      ],
      exports: [RUNTIME, Clock, UnitOfWork, EventNotifier, EventStore],
    };
  }
}
