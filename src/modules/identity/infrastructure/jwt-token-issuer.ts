import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { TokenIssuer } from '../application/tokens';

export const JWT_AUDIENCE = 'qorgau-dispatch';
export const JWT_ISSUER = 'qorgau-dispatch';

@Injectable()
export class JwtTokenIssuer extends TokenIssuer {
  constructor(
    private readonly jwt: JwtService,
    private readonly ttlSeconds: number,
  ) {
    super();
  }

  async issue(user: {
    id: string;
    tokenVersion?: number;
  }): Promise<{ accessToken: string; expiresIn: number }> {
    // The subject and its token version only: role and districts are re-read on every request,
    // so changes apply at once; `iat` and `exp` are always set.
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, ver: user.tokenVersion ?? 0 },
      {
        expiresIn: this.ttlSeconds,
        jwtid: randomUUID(),
        audience: JWT_AUDIENCE,
        issuer: JWT_ISSUER,
      },
    );
    return { accessToken, expiresIn: this.ttlSeconds };
  }
}
