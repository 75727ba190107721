import { Module } from '@nestjs/common';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import {
  DISPATCH_LIVE_OPTIONS,
  DispatchLiveService,
  liveOptionsFromEnv,
} from './dispatch-live.service';
import { DispatchStreamController } from './dispatch-stream.controller';

/**
 * The live dispatch view: `GET /dispatch/stream`, fed by PostgreSQL LISTEN/NOTIFY so that a change
 * committed through any instance reaches the consoles connected to every instance.
 */
@Module({
  controllers: [DispatchStreamController],
  providers: [
    {
      provide: DISPATCH_LIVE_OPTIONS,
      inject: [RUNTIME],
      // The validated environment keeps unknown variables; it wins over process.env so that
      // each in-process instance (as in the e2e tests) can have its own value.
      useFactory: (runtime: Runtime) =>
        liveOptionsFromEnv({ ...process.env, ...(runtime.env as object) }),
    },
    DispatchLiveService,
  ],
  exports: [DispatchLiveService],
})
export class DispatchLiveModule {}
