import { Logger, type Provider } from '@nestjs/common';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import { checkpointDir, CheckpointKeys } from './checkpoint-keys';
import { CheckpointStore, FolderCheckpointStore } from './checkpoint-store';
import { IntegrityController } from './integrity.controller';
import { IntegrityService } from './integrity.service';

export const integrityControllers = [IntegrityController];

export const integrityProviders: Provider[] = [
  {
    provide: CheckpointKeys,
    inject: [RUNTIME],
    useFactory: (runtime: Runtime) =>
      CheckpointKeys.fromEnvironment(runtime.env, (m) => new Logger('Integrity').warn(m)),
  },
  {
    provide: CheckpointStore,
    inject: [RUNTIME],
    useFactory: (runtime: Runtime) => new FolderCheckpointStore(checkpointDir(runtime.env)),
  },
  IntegrityService,
];
