import { Foundation1763830000000 } from './1763830000000-foundation';
import { IntakePeopleTriage1763900000000 } from './1763900000000-intake-people-triage';
import { Dispatch1764000000000 } from './1764000000000-dispatch';
import { Idempotency1764100000000 } from './1764100000000-idempotency';
import { ReferenceChangeNotify1765700000001 } from './1765700000001-reference-change-notify';

/** Every migration, in order. Listed explicitly so build, run and Jest (ESM) load the same set. */
export const migrations = [
  Foundation1763830000000,
  IntakePeopleTriage1763900000000,
  Dispatch1764000000000,
  Idempotency1764100000000,
  ReferenceChangeNotify1765700000001,
];
