import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventStore } from '@app/event-store';
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
          provide: EventStore,
          inject: [Clock],
          useFactory: (clock: Clock) => new EventStore(() => clock.now()),
        },
      ],
      exports: [RUNTIME, Clock, UnitOfWork, EventStore],
    };
  }
}
