import { type EmbeddedPostgresHandle } from '../../libs/persistence/src/index';
import { dropTestDatabase } from '../../libs/testing/src/test-database';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__testDb as
    { adminUrl: string; name: string; embedded: EmbeddedPostgresHandle | null } | undefined;
  if (!state) return;
  if (!process.env.KEEP_TEST_DATABASE) await dropTestDatabase(state.adminUrl, state.name);
  if (state.embedded) await state.embedded.stop();
}
