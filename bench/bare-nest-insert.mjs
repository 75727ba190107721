// Baseline: the least a NestJS 12 + Fastify + TypeORM endpoint costs — one JSON body, one INSERT,
// one 201. Started by bench/run-all.mjs on the same machine and database as the service, so the
// service's figures can be read as a ratio of this. Env: PORT, DATABASE_URL, DB_POOL_SIZE.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const { Body, Controller, HttpCode, Inject, Module, Post } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { TypeOrmModule } = require('@nestjs/typeorm');
const { DataSource } = require('typeorm');

class BareController {
  constructor(dataSource) {
    this.dataSource = dataSource;
  }
  async create(body) {
    const id = randomUUID();
    await this.dataSource.query('INSERT INTO bench_bare (id, body, at) VALUES ($1, $2, now())', [
      id,
      JSON.stringify(body ?? {}),
    ]);
    return { id };
  }
}
// Decorators applied by hand: this file runs untranspiled.
Inject(DataSource)(BareController, undefined, 0);
Body()(BareController.prototype, 'create', 0);
const descriptor = Object.getOwnPropertyDescriptor(BareController.prototype, 'create');
Post()(BareController.prototype, 'create', descriptor);
HttpCode(201)(BareController.prototype, 'create', descriptor);
Controller('bare')(BareController);

class BareModule {}
Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      extra: { max: Number(process.env.DB_POOL_SIZE ?? 20) },
    }),
  ],
  controllers: [BareController],
})(BareModule);

const app = await NestFactory.create(BareModule, new FastifyAdapter(), { logger: false });
await app
  .get(DataSource)
  .query(
    'CREATE TABLE IF NOT EXISTS bench_bare (id uuid PRIMARY KEY, body jsonb NOT NULL, at timestamptz NOT NULL)',
  );
await app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
