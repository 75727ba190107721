import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@app/persistence';
import { QueryFailedError } from 'typeorm';
import { AuthGuard } from '@nestjs/passport';
import { PUBLIC_KEY, ROLES_KEY } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import { PERSONAL_DATA_KEY, type PersonalDataRoute } from '../../../common/personal-data';
import { Principal, Role } from '../../../common/roles';
import { AccessLog } from '../../audit/application/access-log';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Global guard, deny by default: a route is open only if marked @Public(); otherwise it needs a
 * valid token and must name its roles with @Roles(). A route that names none is refused.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (!roles || roles.length === 0) {
      this.logger.warn({ handler: context.getHandler().name }, 'route names no roles; refused');
      throw DomainError.forbidden();
    }
    const user = context.switchToHttp().getRequest<{ user?: Principal }>().user;
    if (!user || !roles.includes(user.role)) {
      if (user) await this.logPersonalDataRefusal(context, user);
      throw DomainError.forbidden('Your role may not do this');
    }
    return true;
  }

  /** A refusal by role on a route that returns personal data belongs in the access log too. */
  private async logPersonalDataRefusal(context: ExecutionContext, user: Principal): Promise<void> {
    const route = this.reflector.getAllAndOverride<PersonalDataRoute | undefined>(
      PERSONAL_DATA_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (!route) return;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const id = (request.params as { id?: unknown } | undefined)?.id;
    await this.accessLog.recordDetached({
      userId: user.id,
      ip: request.ip,
      subjectType: route.subjectType,
      subjectId: typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null,
      query: route.query,
      endpoint: `${request.method} ${request.routeOptions?.url ?? 'unmatched'}`,
      outcome: 'denied',
      at: this.clock.now(),
    });
  }

  override handleRequest<T>(error: unknown, user: T): T {
    // An outage is not a logout: a database that cannot be reached during the user lookup is 503
    // (the exception filter adds Retry-After), so clients keep their token and retry.
    // passport-jwt reports a bad or expired token as no user; an error comes from the user lookup.
    if (error && (isDatabaseUnavailable(error) || error instanceof DomainError)) throw error;
    if (error instanceof QueryFailedError) {
      // Any other database failure of the lookup (a timeout under load, say): still not a logout.
      const e = error as QueryFailedError & { code?: unknown };
      this.logger.error({ err: { type: e.name, code: e.code } }, 'user lookup failed');
      throw new DomainError(
        'DATABASE_UNAVAILABLE',
        'unavailable',
        'The database is unavailable; try again',
      );
    }
    // A defect is a 500 (logged with its stack by the exception filter), not a logout either.
    if (error) throw error;
    if (!user)
      throw new DomainError('UNAUTHENTICATED', 'unauthenticated', 'Authentication required');
    return user;
  }
}
