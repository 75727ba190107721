import { AsyncLocalStorage } from 'node:async_hooks';
import { type DataSource, type EntityManager } from 'typeorm';
import { pgErrorCode, PG_DEADLOCK_DETECTED, PG_SERIALIZATION_FAILURE } from './pg-errors';

const MAX_ATTEMPTS = 3;

const context = new AsyncLocalStorage<EntityManager>();

/**
 * Runs work in one database transaction. Nested calls join the outer transaction, so a command
 * handler, the events it appends and the jobs it schedules commit or roll back together.
 */
export class UnitOfWork {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    const current = context.getStore();
    if (current) return work(current);
    // A deadlock or serialization failure rolls everything back, so the whole unit can run again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction('READ COMMITTED', (tx) =>
          context.run(tx, () => work(tx)),
        );
      } catch (error) {
        const code = pgErrorCode(error);
        const retryable = code === PG_DEADLOCK_DETECTED || code === PG_SERIALIZATION_FAILURE;
        if (!retryable || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
      }
    }
  }

  /** The transaction's manager when inside `run`, else the pool's. For reads. */
  manager(): EntityManager {
    return context.getStore() ?? this.dataSource.manager;
  }
}

export function assertInTransaction(tx: EntityManager): void {
  if (!tx.queryRunner?.isTransactionActive) {
    throw new Error('This write must run inside a transaction (UnitOfWork.run).');
  }
}
