import { createSecretKey } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UnitOfWork } from '@app/persistence';
import { dictionary } from '@zxcvbn-ts/language-common';
import { Runtime, RUNTIME } from '../../config/runtime';
import { AuthController } from './api/auth.controller';
import { UserChangesController } from './api/user-changes.controller';
import { UsersController } from './api/users.controller';
import { CreateUserHandler } from './application/commands/create-user/create-user.handler';
import { LoginHandler } from './application/commands/login/login.handler';
import { UpdateUserHandler } from './application/commands/update-user/update-user.handler';
import { HashingGate } from './application/hashing-gate';
import {
  DecideUserChangeHandler,
  ProposeUserCreateHandler,
  RequestUserUpdateHandler,
} from './application/commands/user-changes/user-change.handlers';
import { ListUserChangesHandler } from './application/queries/list-user-changes/list-user-changes.handler';
import { PasswordHasher } from './application/ports/password-hasher';
import { UserRepository } from './application/ports/user.repository';
import { GetUserHandler } from './application/queries/get-user/get-user.handler';
import { ListUsersHandler } from './application/queries/list-users/list-users.handler';
import { LOCKOUT_POLICY, TokenIssuer } from './application/tokens';
import { DEFAULT_LOCKOUT_POLICY } from './domain/lockout-policy';
import { PasswordPolicy } from './domain/password-policy';
import { AccessGuard } from './infrastructure/access.guard';
import { Argon2PasswordHasher } from './infrastructure/argon2-password-hasher';
import { JwtTokenIssuer } from './infrastructure/jwt-token-issuer';
import { JwtStrategy } from './infrastructure/jwt.strategy';
import { TypeormUserRepository } from './infrastructure/typeorm-user.repository';
import { UserOrmEntity } from './infrastructure/user.orm-entity';

/** The zxcvbn-ts common-password list (~49k entries), lower-cased. */
const commonPasswords = () =>
  new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

@Module({
  imports: [
    CqrsModule,
    PassportModule,
    TypeOrmModule.forFeature([UserOrmEntity]),
    JwtModule.registerAsync({
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => ({
        // A key object: given a string, jsonwebtoken first tries to parse it as a public key.
        secret: createSecretKey(Buffer.from(runtime.jwtSecret, 'utf8')) as unknown as string,
        signOptions: { algorithm: 'HS256' },
      }),
    }),
  ],
  controllers: [AuthController, UserChangesController, UsersController],
  providers: [
    LoginHandler,
    CreateUserHandler,
    UpdateUserHandler,
    ListUsersHandler,
    GetUserHandler,
    ProposeUserCreateHandler,
    RequestUserUpdateHandler,
    DecideUserChangeHandler,
    ListUserChangesHandler,
    { provide: UserRepository, useClass: TypeormUserRepository },
    { provide: PasswordHasher, useClass: Argon2PasswordHasher },
    { provide: PasswordPolicy, useFactory: () => new PasswordPolicy(commonPasswords()) },
    { provide: LOCKOUT_POLICY, useValue: DEFAULT_LOCKOUT_POLICY },
    {
      provide: HashingGate,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => {
        const slots = runtime.env.LOGIN_HASH_CONCURRENCY ?? availableParallelism() * 2;
        // Eight checks' worth of waiting (about a second here): a shift logging in together
        // waits briefly; a flood beyond it is refused at once.
        return new HashingGate(slots, runtime.env.LOGIN_HASH_QUEUE ?? slots * 8);
      },
    },
    {
      provide: TokenIssuer,
      inject: [JwtService, RUNTIME],
      useFactory: (jwt: JwtService, runtime: Runtime) =>
        new JwtTokenIssuer(jwt, runtime.env.JWT_TTL_SECONDS),
    },
    {
      provide: JwtStrategy,
      inject: [RUNTIME, UnitOfWork, UserRepository],
      useFactory: (runtime: Runtime, uow: UnitOfWork, users: UserRepository) =>
        new JwtStrategy(runtime.jwtSecret, uow, users),
    },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UserRepository],
})
export class IdentityModule {}
