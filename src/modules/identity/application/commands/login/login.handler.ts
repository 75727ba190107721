import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { EntityManager } from 'typeorm';
import {
  invalidCredentials,
  loginBusy,
  tooManyAttemptsFromAddress,
} from '../../../domain/identity.errors';
import {
  type AttemptVerdict,
  decideAttempt,
  type LockoutPolicy,
  type LockoutState,
} from '../../../domain/lockout-policy';
import { USERNAME_PATTERN } from '../../../domain/user';
import { HashingGate } from '../../hashing-gate';
import { PasswordHasher } from '../../ports/password-hasher';
import { UserRepository } from '../../ports/user.repository';
import { LOCKOUT_POLICY, TokenIssuer } from '../../tokens';
import { LoginCommand, LoginResult } from './login.command';

type Outcome = AttemptVerdict | 'rate_limited';

@CommandHandler(LoginCommand)
export class LoginHandler implements ICommandHandler<LoginCommand, LoginResult> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenIssuer,
    private readonly clock: Clock,
    private readonly gate: HashingGate,
    @Inject(LOCKOUT_POLICY) private readonly policy: LockoutPolicy,
  ) {}

  async execute(command: LoginCommand): Promise<LoginResult> {
    const now = this.clock.now();

    // The address is throttled while it has `maxFailuresPerAddress` failures in the window; the
    // newest such failure that keeps it so says when it ends (Retry-After). One indexed row read.
    const since = new Date(now.getTime() - this.policy.addressWindowSeconds * 1000);
    const [pivot] = (await this.uow.manager().query(
      `SELECT at FROM login_attempts WHERE ip = $1 AND at > $2 AND outcome = 'bad_credentials'
         ORDER BY at DESC OFFSET $3 LIMIT 1`,
      [command.ip, since, this.policy.maxFailuresPerAddress - 1],
    )) as Array<{ at: Date }>;
    const throttledForSeconds = pivot
      ? (pivot.at.getTime() + this.policy.addressWindowSeconds * 1000 - now.getTime()) / 1000
      : 0;
    const throttled = throttledForSeconds > 0;

    // The hash is checked before the lockout row is locked, so concurrent attempts do not queue
    // behind argon2; unknown users cost the same time as wrong passwords.
    // Only names of the username alphabet are looked up: the database's and JavaScript's case
    // folding differ outside ASCII ("İ"), which would give one account several lockout counters.
    const candidate = command.username.toLowerCase();
    const user = USERNAME_PATTERN.test(candidate)
      ? await this.users.findByUsername(this.uow.manager(), candidate)
      : null;
    const key = user?.username ?? candidate;
    // A throttled address still gets its password checked — a whole dispatch centre shares one
    // address, so a correct login must get through — but only in a free slot: its attempts never
    // wait in the queue that other addresses' logins use.
    const checked = await this.gate.run(
      () => this.hasher.verify(user?.passwordHash ?? null, command.password),
      !throttled,
    );
    if (!checked.ran) {
      await this.uow.run((tx) => this.recordAttempt(tx, command, null, 'rate_limited', now));
      throw throttled ? tooManyAttemptsFromAddress(throttledForSeconds) : loginBusy();
    }
    const passwordMatched = checked.value && user !== null;

    const verdict = await this.uow.run(async (tx) => {
      await tx.query(`INSERT INTO login_lockouts (username) VALUES ($1) ON CONFLICT DO NOTHING`, [
        key,
      ]);
      const [row] = (await tx.query(
        `SELECT failed_count, window_started_at, locked_until FROM login_lockouts WHERE username = $1 FOR UPDATE`,
        [key],
      )) as Array<{
        failed_count: number;
        window_started_at: Date | null;
        locked_until: Date | null;
      }>;
      // The decision's time is read under the lock (argon2 ran before it): attempts are recorded
      // in the order the database serialised them.
      const decidedAt = this.clock.now();
      const state: LockoutState = {
        failedCount: row.failed_count,
        windowStartedAt: row.window_started_at,
        lockedUntil: row.locked_until,
      };
      const decision = decideAttempt(this.policy, state, {
        passwordMatched,
        userDisabled: user?.disabled ?? false,
        now: decidedAt,
      });
      await tx.query(
        `UPDATE login_lockouts SET failed_count = $2, window_started_at = $3, locked_until = $4 WHERE username = $1`,
        [key, decision.next.failedCount, decision.next.windowStartedAt, decision.next.lockedUntil],
      );
      await this.recordAttempt(tx, command, user?.id ?? null, decision.verdict, decidedAt);
      return decision.verdict;
    });

    if (verdict !== 'success' || !user) {
      // Unknown user, wrong password, locked or disabled: one answer per address state.
      throw throttled ? tooManyAttemptsFromAddress(throttledForSeconds) : invalidCredentials();
    }
    const token = await this.tokens.issue(user);
    return {
      ...token,
      user: {
        id: user.id,
        username: user.username,
        role: user.role,
        districtIds: user.districtIds,
      },
    };
  }

  private async recordAttempt(
    tx: EntityManager,
    command: LoginCommand,
    userId: string | null,
    outcome: Outcome,
    at: Date,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO login_attempts (username, user_id, ip, user_agent, at, outcome) VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        command.username.slice(0, 128),
        userId,
        command.ip,
        command.userAgent?.slice(0, 256) ?? null,
        at,
        outcome,
      ],
    );
  }
}
