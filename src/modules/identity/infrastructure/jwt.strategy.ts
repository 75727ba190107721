import { createSecretKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { UnitOfWork } from '@app/persistence';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Principal } from '../../../common/roles';
import { UserRepository } from '../application/ports/user.repository';
import { JWT_AUDIENCE, JWT_ISSUER } from './jwt-token-issuer';

export const JWT_SECRET = Symbol('JWT_SECRET');

/**
 * Verifies the token, then loads the user on every request: a disabled user, or a changed role
 * or district set, takes effect on the very next request whatever token is presented.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    secret: string,
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: createSecretKey(Buffer.from(secret, 'utf8')) as unknown as string,
      algorithms: ['HS256'],
      audience: JWT_AUDIENCE,
      issuer: JWT_ISSUER,
      ignoreExpiration: false,
    });
  }

  async validate(payload: {
    sub?: unknown;
    exp?: unknown;
    iat?: unknown;
    ver?: unknown;
  }): Promise<Principal | false> {
    if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub)) return false;
    // A token that never expires, or names no issue time or version, is refused.
    if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') return false;
    if (typeof payload.ver !== 'number') return false;
    const user = await this.users.findById(this.uow.manager(), payload.sub.toLowerCase());
    if (!user || user.disabled) return false;
    // A password reset or a disable bumped the version: every older token is revoked.
    if (payload.ver !== user.tokenVersion) return false;
    return {
      id: user.id,
      username: user.username,
      role: user.role,
      districtIds: user.districtIds,
      tokenVersion: user.tokenVersion,
    };
  }
}
