import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import { OutOfScopeError } from '../../../common/district-scope';
import { type Principal } from '../../../common/roles';
import { AccessLog } from '../application/access-log';

/**
 * A record outside the caller's districts answers as an unknown id (404); this writes the
 * refusal to the access log (outcome `denied`) before the answer goes out, outside the refused
 * command's transaction (which rolls back).
 */
@Injectable()
export class AccessRefusalInterceptor implements NestInterceptor {
  constructor(
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        if (!(error instanceof OutOfScopeError)) return throwError(() => error);
        const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
        if (!request.user) return throwError(() => error);
        return from(
          this.accessLog.recordDetached({
            userId: request.user.id,
            ip: request.ip,
            subjectType: error.subject.type,
            subjectId: error.subject.id,
            endpoint: `${request.method} ${request.routeOptions?.url ?? 'unmatched'}`,
            outcome: 'denied',
            at: this.clock.now(),
          }),
        ).pipe(mergeMap(() => throwError(() => error)));
      }),
    );
  }
}
