import { AsyncLocalStorage } from 'node:async_hooks';
import { type DataSource, type EntityManager } from 'typeorm';

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
    return this.dataSource.transaction('READ COMMITTED', (tx) => context.run(tx, () => work(tx)));
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
