import { randomBytes } from 'node:crypto';
import { type CommandBus } from '@nestjs/cqrs';
import { type Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { type DataSource, type EntityManager } from 'typeorm';
import { type Role } from '../common/roles';
import { CreateUserCommand } from '../modules/identity/application/commands/create-user/create-user.command';
import { type UserRepository } from '../modules/identity/application/ports/user.repository';

interface DemoUser {
  username: string;
  role: Role;
  districts: 'all' | 'astana-yesil' | 'almaty-city';
}

/** The demo users of API.md, each named after their role. */
const DEMO_USERS: DemoUser[] = [
  { username: 'admin', role: 'admin', districts: 'all' },
  { username: 'admin2', role: 'admin', districts: 'all' },
  { username: 'dispatcher', role: 'dispatcher', districts: 'all' },
  { username: 'supervisor', role: 'supervisor', districts: 'all' },
  { username: 'prosecutor', role: 'prosecutor', districts: 'all' },
  { username: 'inspector', role: 'inspector', districts: 'astana-yesil' },
  { username: 'dispatcher.almaty', role: 'dispatcher', districts: 'almaty-city' },
];

const CREWS_PER_DISTRICT = 2;

export interface SeedResult {
  createdUsers: string[];
  createdCrews: number;
  /** Set only when it was generated here; shown once. */
  generatedPassword?: string;
}

/** Every instance seeds under this advisory lock (distinct from the migration lock). */
export const SEED_LOCK_KEY = 7_102_2021;

type SeedDeps = {
  dataSource: DataSource;
  commands: CommandBus;
  users: UserRepository;
  clock: Clock;
};

/**
 * Creates the demo users and crews that are missing. Safe to run again, and safe to run from
 * several instances starting at once: they take turns under an advisory lock, so the later ones
 * find everything made and create nothing (no "username already in use" at start-up).
 */
export async function seedDemo(deps: SeedDeps, demoPassword?: string): Promise<SeedResult> {
  // One transaction holding a transaction-level advisory lock: the user commands join it (their
  // UnitOfWork.run nests), so it needs one connection only, and the lock goes with the commit.
  return new UnitOfWork(deps.dataSource).run(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    return seedUnlocked(deps, tx, demoPassword);
  });
}

async function seedUnlocked(
  deps: SeedDeps,
  tx: EntityManager,
  demoPassword?: string,
): Promise<SeedResult> {
  const { commands, users, clock } = deps;
  const districts = (await tx.query(
    `SELECT id, code, region FROM districts ORDER BY code`,
  )) as Array<{
    id: string;
    code: string;
    region: string;
  }>;
  const pick = (scope: DemoUser['districts']) =>
    districts
      .filter((d) =>
        scope === 'all'
          ? d.region === 'Astana' || d.region === 'Almaty city'
          : scope === 'astana-yesil'
            ? d.code === 'AST-YESIL'
            : d.region === 'Almaty city',
      )
      .map((d) => d.id);

  const missing: DemoUser[] = [];
  for (const demo of DEMO_USERS) {
    if (!(await users.findByUsername(tx, demo.username))) missing.push(demo);
  }
  let generatedPassword: string | undefined;
  const password =
    demoPassword ??
    (missing.length > 0 ? (generatedPassword = randomBytes(12).toString('base64url')) : '');
  for (const demo of missing) {
    await commands.execute(
      new CreateUserCommand(null, demo.username, password, demo.role, pick(demo.districts)),
    );
  }

  let createdCrews = 0;
  const now = clock.now();
  for (const district of districts) {
    for (let i = 1; i <= CREWS_PER_DISTRICT; i++) {
      const result = (await tx.query(
        `INSERT INTO units (call_sign, district_id, status, created_at, updated_at)
         VALUES ($1, $2, 'available', $3, $3) ON CONFLICT (call_sign) DO NOTHING RETURNING id`,
        [`${district.code}-${String(i).padStart(2, '0')}`, district.id, now],
      )) as unknown[];
      createdCrews += result.length;
    }
  }
  return { createdUsers: missing.map((m) => m.username), createdCrews, generatedPassword };
}
