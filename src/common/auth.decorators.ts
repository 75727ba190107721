import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Actor, type Principal, type Role, ROLES } from './roles';

export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** No token needed (login, health, docs, signed intake). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The roles allowed on a route. A route without @Roles or @Public is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
export const AnyRole = () => SetMetadata(ROLES_KEY, [...ROLES]);

type AuthedRequest = FastifyRequest & { user?: Principal };

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!request.user) throw new Error('CurrentUser used on a route without authentication');
  return request.user;
});

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<AuthedRequest>();
  if (!request.user) throw new Error('CurrentActor used on a route without authentication');
  return { userId: request.user.id, ip: request.ip };
});

export const ClientIp = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<FastifyRequest>().ip,
);
