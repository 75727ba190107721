import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { UserRepository } from '../src/modules/identity/application/ports/user.repository';
import { seedDemo } from '../src/seed/demo-seed';
import { cliRuntime, fail } from './cli-runtime';

/** npm run seed:demo — the demo users and crews of API.md, on DATABASE_URL's database. */
async function main() {
  const { env, runtime, embedded, log } = await cliRuntime();
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(runtime, log), {
    logger: ['error'],
  });
  try {
    const result = await seedDemo(
      {
        dataSource: app.get(DataSource),
        commands: app.get(CommandBus),
        users: app.get(UserRepository),
        clock: app.get(Clock),
      },
      env.DEMO_PASSWORD,
    );
    log(
      `demo data: ${result.createdUsers.length} users created (${result.createdUsers.join(', ') || 'all existed'}), ${result.createdCrews} crews created`,
    );
    if (result.generatedPassword) log(`demo password (shown once): ${result.generatedPassword}`);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().catch((e: unknown) => fail(`seeding failed: ${(e as Error).message}`));
