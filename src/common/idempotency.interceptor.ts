import { createHmac } from 'node:crypto';
import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import type { FastifyRequest } from 'fastify';
import { type EntityManager } from 'typeorm';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { type Runtime, RUNTIME } from '../config/runtime';
import { DomainError } from './domain-error';
import { type Principal } from './roles';

const KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * `Idempotency-Key` on authenticated writes: the same key and body return the first result.
 * The key row is inserted in the same transaction as the command, so a retry that races the
 * first attempt waits for it and then answers with its result; a failed attempt leaves no key.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const header = request.headers['idempotency-key'];
    if (header === undefined || !WRITES.has(request.method) || !request.user) return next.handle();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      throw DomainError.validation(
        'Idempotency-Key',
        'IDEMPOTENCY_KEY_INVALID',
        'Idempotency-Key must be 1-200 letters, digits or . _ : -',
      );
    }
    const user = request.user;
    const path = request.url.split('?')[0];
    // Keyed with a server secret: bodies can hold passwords, and a plain hash of them could be
    // brute-forced offline from the table.
    const hash = createHmac('sha256', this.runtime.jwtSecret)
      .update(`idempotency:${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    return from(
      this.uow
        .run(async (tx) => {
          // Retries with one key queue here, before the command takes any row lock, so the second
          // finds the first one's result instead of colliding with its work.
          await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
            `idempotency:${user.id}:${header}`,
          ]);
          const first = await this.firstAttempt(tx, user.id, header);
          if (first) return this.replay(first, request.method, path, hash);
          const body = await lastValueFrom(next.handle(), { defaultValue: null });
          const inserted = (await tx.query(
            `INSERT INTO idempotency_keys (user_id, key, method, path, request_sha256, response, created_at)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT DO NOTHING RETURNING key`,
            [
              user.id,
              header,
              request.method,
              path,
              hash,
              JSON.stringify({ body }),
              this.clock.now(),
            ],
          )) as unknown[];
          if (inserted.length === 0) {
            // A concurrent attempt with this key committed first: undo ours, answer with theirs.
            throw new ReplayInstead();
          }
          return body;
        })
        .catch(async (error: unknown) => {
          if (!(error instanceof ReplayInstead)) throw error;
          const first = await this.firstAttempt(this.uow.manager(), user.id, header);
          if (!first) throw error;
          return this.replay(first, request.method, path, hash);
        }),
    );
  }

  private async firstAttempt(
    db: EntityManager,
    userId: string,
    key: string,
  ): Promise<FirstAttempt | undefined> {
    const [row] = (await db.query(
      `SELECT method, path, request_sha256, response FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [userId, key],
    )) as FirstAttempt[];
    return row;
  }

  private replay(first: FirstAttempt, method: string, path: string, hash: string): unknown {
    if (first.method !== method || first.path !== path || first.request_sha256 !== hash) {
      throw new DomainError(
        'IDEMPOTENCY_KEY_REUSED',
        'conflict',
        'This Idempotency-Key was used for a different request',
      );
    }
    return first.response.body;
  }
}

class ReplayInstead extends Error {}

interface FirstAttempt {
  method: string;
  path: string;
  request_sha256: string;
  response: { body: unknown };
}
