import { pgErrorCode, type UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../common/domain-error';

/**
 * The most groups one response-times report may have. Each group costs four percentile sorts in
 * PostgreSQL and about a kilobyte of answer: 5,000 covers a national year by month (≈ 1,500
 * groups) with room, while a year by day × district × priority × source (hundreds of thousands)
 * is refused before it is computed. A technical bound on one request's work, not a legal rule.
 */
export const MAX_REPORT_GROUPS = 5000;

/** Seconds a refused caller is told to wait: a report takes seconds, not minutes. */
const BUSY_RETRY_AFTER_SECONDS = 10;

/** PostgreSQL's query_canceled: here, the report's statement_timeout ran out. */
const PG_QUERY_CANCELED = '57014';

export const reportTooLarge = () =>
  new DomainError(
    'REPORT_TOO_LARGE',
    'rule',
    `The report would have more than ${MAX_REPORT_GROUPS} groups; narrow it`,
    [
      {
        field: 'groupBy',
        code: 'REPORT_TOO_LARGE',
        message:
          `more than ${MAX_REPORT_GROUPS} groups: group by fewer keys, by a longer period, over a ` +
          'shorter range, or for one district, priority or source',
      },
    ],
  );

/**
 * Keeps reports from starving dispatch: at most `slots` run at once in this process, and one per
 * user (a second from the same user, e.g. a double click or a script, is refused rather than
 * queued); each report's SQL runs in its own transaction under a statement_timeout. Refusals are
 * immediate 429s with Retry-After: a waiting report would hold its HTTP request, and a queue
 * would only move the pile-up from PostgreSQL to Node.
 */
export class ReportLimiter {
  private active = 0;
  private readonly users = new Set<string>();

  constructor(
    readonly slots: number,
    readonly timeoutSeconds: number,
  ) {}

  /** Runs `work` in a slot for `userId`, or throws 429 at once when none is free for them. */
  async run<T>(userId: string, work: () => Promise<T>): Promise<T> {
    if (this.users.has(userId))
      throw new DomainError(
        'REPORT_IN_PROGRESS',
        'rate_limited',
        'Another report of yours is still being computed; wait for it, then try again',
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    if (this.active >= this.slots)
      throw new DomainError(
        'REPORTS_BUSY',
        'rate_limited',
        'Too many reports are being computed; try again shortly',
        undefined,
        BUSY_RETRY_AFTER_SECONDS,
      );
    this.active += 1;
    this.users.add(userId);
    try {
      return await work();
    } finally {
      this.active -= 1;
      this.users.delete(userId);
    }
  }

  get inUse(): number {
    return this.active;
  }

  /**
   * The report's statements in one read transaction with `SET LOCAL statement_timeout`: a report
   * that runs past it is cancelled by PostgreSQL (its connection back in the pool at once) and
   * answers 503 REPORT_TIMEOUT.
   */
  async transaction<T>(uow: UnitOfWork, work: (tx: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await uow.run(async (tx) => {
        await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [
          `${this.timeoutSeconds}s`,
        ]);
        return work(tx);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_QUERY_CANCELED)
        throw new DomainError(
          'REPORT_TIMEOUT',
          'unavailable',
          `The report took longer than ${this.timeoutSeconds} s and was stopped; narrow it or try later`,
          undefined,
          BUSY_RETRY_AFTER_SECONDS,
        );
      throw error;
    }
  }
}
