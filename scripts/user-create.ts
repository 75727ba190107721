import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { DomainError } from '../src/common/domain-error';
import { type Role, ROLES } from '../src/common/roles';
import { CreateUserCommand } from '../src/modules/identity/application/commands/create-user/create-user.command';
import { cliRuntime, fail } from './cli-runtime';

const USAGE =
  'usage: npm run user:create -- --username NAME --role ROLE --districts all|CODE,CODE|UUID,… [--password-env VAR]\n' +
  `  roles: ${ROLES.join(', ')}; district codes as in GET /api/v1/districts (e.g. AST-YESIL)\n` +
  '  the password is read from the environment variable named by --password-env (default USER_PASSWORD),\n' +
  '  or generated and printed once';

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        districts: { type: 'string' },
        'password-env': { type: 'string', default: 'USER_PASSWORD' },
      },
    }));
  } catch (e) {
    fail(`${(e as Error).message}\n${USAGE}`);
  }
  const { username, role, districts } = values;
  if (!username || !role || !districts) fail(USAGE);
  if (!(ROLES as readonly string[]).includes(role))
    fail(`--role must be one of ${ROLES.join(', ')}`);
  const fromEnv = process.env[values['password-env'] as string];
  const password = fromEnv ?? randomBytes(15).toString('base64url');

  const { runtime, embedded, log } = await cliRuntime();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(runtime, log), {
    logger: ['error'],
  });
  try {
    const all = (await app.get(DataSource).query(`SELECT id, code FROM districts`)) as Array<{
      id: string;
      code: string;
    }>;
    const wanted =
      districts === 'all' ? all.map((d) => d.code) : districts.split(',').map((s) => s.trim());
    const ids = wanted.map(
      (w) =>
        all.find((d) => d.code === w.toUpperCase() || d.id === w)?.id ??
        fail(`unknown district: ${w}`),
    );
    const user = (await app
      .get(CommandBus)
      .execute(new CreateUserCommand(null, username, password, role as Role, ids))) as {
      id: string;
    };
    log(`created ${role} ${username} (${user.id}) over ${ids.length} district(s)`);
    if (!fromEnv) log(`password (shown once): ${password}`);
  } catch (e) {
    if (e instanceof DomainError) fail(`refused: ${e.code}: ${e.message}`);
    throw e;
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().catch((e: unknown) => fail(`user creation failed: ${(e as Error).message}`));
