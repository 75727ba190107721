import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../../../common/domain-error';
import { type Runtime, RUNTIME } from '../../../config/runtime';
import { DEFAULT_SIGNATURE_POLICY, verifySignature } from '../domain/report-signature';

type RawRequest = FastifyRequest & { rawBody?: Buffer };

/** The exact bytes that were signed: NDJSON bodies stay strings, JSON ones keep Nest's raw copy. */
export function rawBodyOf(request: RawRequest): string | Buffer {
  if (typeof request.body === 'string') return request.body;
  return request.rawBody ?? Buffer.alloc(0);
}

/**
 * Signed partner intake: HMAC-SHA256 over "<timestamp>.<raw body>", ±300 s, constant-time
 * comparison. Addresses that keep sending bad signatures get 429 for their bad requests; a valid
 * signature is never refused for its address.
 */
@Injectable()
export class ReportSignatureGuard implements CanActivate {
  private readonly policy = DEFAULT_SIGNATURE_POLICY;

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly uow: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RawRequest>();
    const secret = this.runtime.env.QAMQOR_HMAC_SECRET;
    if (!secret) {
      throw new DomainError(
        'INTAKE_NOT_CONFIGURED',
        'unavailable',
        'Signed intake is not configured (QAMQOR_HMAC_SECRET)',
      );
    }
    const now = this.clock.now();
    const header = (name: string) => {
      const v = request.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    // The signature is checked first: a correctly signed delivery always gets through, whatever
    // else came from its address (the real feed may share it with whoever sends garbage).
    const verdict = verifySignature(
      secret,
      { timestamp: header('x-timestamp'), signature: header('x-signature') },
      rawBodyOf(request),
      now,
      this.policy,
    );
    if (verdict.ok) return true;

    // The address is limited while it has `maxRejectionsPerAddress` rejections in the window; the
    // newest rejection that keeps it so says when that ends. Limited requests are not recorded,
    // so a flood writes at most that many rows per window.
    const db = this.uow.manager();
    const windowMs = this.policy.rejectionWindowSeconds * 1000;
    const [pivot] = (await db.query(
      `SELECT at FROM intake_rejections WHERE ip = $1 AND at > $2 ORDER BY at DESC OFFSET $3 LIMIT 1`,
      [request.ip, new Date(now.getTime() - windowMs), this.policy.maxRejectionsPerAddress - 1],
    )) as Array<{ at: Date }>;
    if (pivot) {
      throw new DomainError(
        'RATE_LIMITED',
        'rate_limited',
        'Too many badly signed requests from this address; try again later',
        undefined,
        (pivot.at.getTime() + windowMs - now.getTime()) / 1000,
      );
    }
    await db.query(`INSERT INTO intake_rejections (ip, at, reason) VALUES ($1, $2, $3)`, [
      request.ip,
      now,
      verdict.reason,
    ]);
    const message =
      verdict.reason === 'stale'
        ? 'X-Timestamp is outside the allowed window'
        : 'Missing or invalid X-Signature';
    throw new DomainError('SIGNATURE_INVALID', 'unauthenticated', message);
  }
}
