import { AsyncLocalStorage } from 'node:async_hooks';
import { type DataSource, type EntityManager } from 'typeorm';
import { pgErrorCode, PG_DEADLOCK_DETECTED, PG_SERIALIZATION_FAILURE } from './pg-errors';

const MAX_ATTEMPTS = 3;

const context = new AsyncLocalStorage<EntityManager>();

type CommitHook = (tx: EntityManager) => Promise<void>;

/** Work to run once, last, just before a unit of work commits (keyed, so it is registered once). */
const commitHooks = new WeakMap<EntityManager, Map<string, CommitHook>>();

type AfterCommitHook = () => void;

/** Work to run once the transaction has committed (keyed, so it is registered once). */
const afterCommitHooks = new WeakMap<EntityManager, Map<string, AfterCommitHook>>();

/**
 * Registers `hook` to run once `tx` has committed (never when it rolls back), once per `key`; the
 * caller of `UnitOfWork.run` does not wait for it and its errors are swallowed: for best-effort
 * work such as announcing the commit to other instances. Returns false when `tx` is not a unit of
 * work's transaction.
 */
export function afterCommit(tx: EntityManager, key: string, hook: AfterCommitHook): boolean {
  const hooks = afterCommitHooks.get(tx);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, hook);
  return true;
}

/**
 * Registers `hook` to run inside the transaction just before it commits, once per `key`. Used to
 * send one NOTIFY per transaction however many appends it made (each NOTIFY takes a database-wide
 * lock at commit). Returns false when `tx` is not a unit of work's transaction: the caller must
 * then do the work itself, at once.
 */
export function beforeCommit(tx: EntityManager, key: string, hook: CommitHook): boolean {
  const hooks = commitHooks.get(tx);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, hook);
  return true;
}

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
        // No isolation level argument: READ COMMITTED is PostgreSQL's default, and naming it
        // costs a `SET TRANSACTION` round trip on every command.
        let committed: Map<string, AfterCommitHook> | undefined;
        const result = await this.dataSource.transaction((tx) =>
          context.run(tx, async () => {
            const hooks = new Map<string, CommitHook>();
            const after = new Map<string, AfterCommitHook>();
            commitHooks.set(tx, hooks);
            afterCommitHooks.set(tx, after);
            try {
              const result = await work(tx);
              for (const hook of hooks.values()) await hook(tx);
              committed = after;
              return result;
            } finally {
              commitHooks.delete(tx);
              afterCommitHooks.delete(tx);
            }
          }),
        );
        // Here the COMMIT has returned: only now is it safe to tell anyone.
        for (const hook of committed?.values() ?? []) {
          try {
            hook();
          } catch {
            // best effort by contract: the commit stands whatever a hook does
          }
        }
        return result;
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
