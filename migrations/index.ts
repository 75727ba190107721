import { Foundation1763830000000 } from './1763830000000-foundation';

/** Every migration, in order. Listed explicitly so build, run and Jest (ESM) load the same set. */
export const migrations = [Foundation1763830000000];
