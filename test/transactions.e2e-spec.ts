import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { createRootLogger, PinoNestLogger } from '../src/common/logger';
import { validateEnvironment } from '../src/config/app-config';
import { AuditLog } from '../src/modules/audit/application/audit-log';
import { TEST_JWT_SECRET, testDatabaseUrl } from './support/test-app';

class RecordThenFailCommand {
  constructor(
    readonly streamId: string,
    readonly failAfterAppending: boolean,
  ) {}
}

/** A handler written the way every command handler is: all its writes inside one unit of work. */
@Injectable()
@CommandHandler(RecordThenFailCommand)
class RecordThenFailHandler implements ICommandHandler<RecordThenFailCommand> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  execute(command: RecordThenFailCommand): Promise<void> {
    return this.uow.run(async (tx) => {
      const now = this.clock.now();
      await this.events.append(tx, { id: command.streamId, type: 'test' }, [
        { type: 'Recorded', payload: {}, actorId: null, occurredAt: now },
      ]);
      await this.audit.record(tx, {
        actorId: null,
        action: 'test.record',
        targetId: command.streamId,
        outcome: 'success',
        at: now,
      });
      if (command.failAfterAppending) throw new Error('failed after appending');
    });
  }
}

describe('a command handler runs in one transaction', () => {
  it('leaves nothing behind when it throws after appending, and commits everything when it does not', async () => {
    const databaseUrl = testDatabaseUrl();
    const env = validateEnvironment({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.forRoot({ env, databaseUrl, embedded: false, jwtSecret: TEST_JWT_SECRET }),
      ],
      providers: [RecordThenFailHandler],
    })
      .setLogger(new PinoNestLogger(createRootLogger('silent')))
      .compile();
    const app = await moduleRef.init();
    try {
      const bus = app.get(CommandBus);
      const db = app.get(DataSource);
      const count = async (id: string) => {
        const [row] = await db.query(
          `SELECT (SELECT count(*) FROM events WHERE stream_id = $1)::int AS events,
                  (SELECT count(*) FROM audit_log WHERE target_id = $1)::int AS audit,
                  (SELECT count(*) FROM event_stream_heads WHERE stream_id = $1)::int AS heads`,
          [id],
        );
        return row;
      };

      const failed = randomUUID();
      await expect(bus.execute(new RecordThenFailCommand(failed, true))).rejects.toThrow(
        'failed after appending',
      );
      expect(await count(failed)).toEqual({ events: 0, audit: 0, heads: 0 });

      const succeeded = randomUUID();
      await bus.execute(new RecordThenFailCommand(succeeded, false));
      expect(await count(succeeded)).toEqual({ events: 1, audit: 1, heads: 1 });
    } finally {
      await app.close();
    }
  });
});
