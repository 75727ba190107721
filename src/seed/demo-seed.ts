import { randomBytes } from 'node:crypto';
import { type CommandBus } from '@nestjs/cqrs';
import { type Clock } from '@app/kz';
import { type DataSource } from 'typeorm';
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

/** Creates the demo users and crews that are missing. Safe to run again. */
export async function seedDemo(
  deps: { dataSource: DataSource; commands: CommandBus; users: UserRepository; clock: Clock },
  demoPassword?: string,
): Promise<SeedResult> {
  const { dataSource, commands, users, clock } = deps;
  const districts = (await dataSource.query(
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
    if (!(await users.findByUsername(dataSource.manager, demo.username))) missing.push(demo);
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
      const result = (await dataSource.query(
        `INSERT INTO units (call_sign, district_id, status, created_at, updated_at)
         VALUES ($1, $2, 'available', $3, $3) ON CONFLICT (call_sign) DO NOTHING RETURNING id`,
        [`${district.code}-${String(i).padStart(2, '0')}`, district.id, now],
      )) as unknown[];
      createdCrews += result.length;
    }
  }
  return { createdUsers: missing.map((m) => m.username), createdCrews, generatedPassword };
}
