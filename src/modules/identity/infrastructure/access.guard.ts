import { ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isDatabaseUnavailable } from '@app/persistence';
import { QueryFailedError } from 'typeorm';
import { AuthGuard } from '@nestjs/passport';
import { PUBLIC_KEY, ROLES_KEY } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import { Principal, Role } from '../../../common/roles';

/**
 * Global guard, deny by default: a route is open only if marked @Public(); otherwise it needs a
 * valid token and must name its roles with @Roles(). A route that names none is refused.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {
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
    if (!user || !roles.includes(user.role))
      throw DomainError.forbidden('Your role may not do this');
    return true;
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
