import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { pgErrorCode, PG_UNIQUE_VIOLATION, UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { AuditLog } from '../../../../audit/application/audit-log';
import { usernameTaken } from '../../../domain/identity.errors';
import { USERNAME_PATTERN } from '../../../domain/user';
import { PasswordPolicy } from '../../../domain/password-policy';
import { PasswordHasher } from '../../ports/password-hasher';
import { UserRepository } from '../../ports/user.repository';
import { toUserView, UserView } from '../../tokens';
import { CreateUserCommand } from './create-user.command';

@CommandHandler(CreateUserCommand)
export class CreateUserHandler implements ICommandHandler<CreateUserCommand, UserView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: CreateUserCommand): Promise<UserView> {
    if (!USERNAME_PATTERN.test(command.username.toLowerCase())) {
      throw DomainError.validation(
        'username',
        'USERNAME_INVALID',
        'username must be 3-64 lowercase letters, digits, dots, dashes or underscores',
      );
    }
    if (!command.approved) this.passwordPolicy.check(command.password, command.username);
    const districtIds = [...new Set(command.districtIds)].sort();
    const unknown = await this.users.unknownDistricts(this.uow.manager(), districtIds);
    if (unknown.length > 0) {
      throw DomainError.validation(
        'districtIds',
        'UNKNOWN_DISTRICT',
        `Unknown district id(s): ${unknown.join(', ')}`,
      );
    }
    const passwordHash =
      command.approved?.passwordHash ?? (await this.hasher.hash(command.password));
    const now = this.clock.now();
    try {
      return await this.uow.run(async (tx) => {
        const user = await this.users.insert(tx, {
          username: command.username.toLowerCase(),
          passwordHash,
          role: command.role,
          districtIds,
          disabled: false,
          tokenVersion: 0,
          createdAt: now,
          updatedAt: now,
        });
        await this.events.append(tx, { id: user.id, type: 'user' }, [
          {
            type: 'UserCreated',
            payload: {
              userId: user.id,
              username: user.username,
              role: user.role,
              districtIds,
              ...(command.approved ? { changeId: command.approved.changeId } : {}),
            },
            actorId: command.actor?.userId ?? null,
            occurredAt: now,
          },
        ]);
        await this.audit.record(tx, {
          actorId: command.actor?.userId ?? null,
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          ip: command.actor?.ip,
          outcome: 'success',
          details: {
            role: user.role,
            districtIds,
            ...(command.approved ? { changeId: command.approved.changeId } : {}),
          },
          at: now,
        });
        return toUserView(user);
      });
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION) throw usernameTaken();
      throw error;
    }
  }
}
