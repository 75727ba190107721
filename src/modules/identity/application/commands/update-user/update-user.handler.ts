import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { AuditLog } from '../../../../audit/application/audit-log';
import { selfLockout } from '../../../domain/identity.errors';
import { PasswordPolicy } from '../../../domain/password-policy';
import { PasswordHasher } from '../../ports/password-hasher';
import { UserRepository } from '../../ports/user.repository';
import { toUserView, UserView } from '../../tokens';
import { UpdateUserCommand } from './update-user.command';

@CommandHandler(UpdateUserCommand)
export class UpdateUserHandler implements ICommandHandler<UpdateUserCommand, UserView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(command: UpdateUserCommand): Promise<UserView> {
    const { changes, actor } = command;
    const self = actor.userId === command.userId;
    if (
      self &&
      (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))
    ) {
      throw selfLockout();
    }
    const districtIds = changes.districtIds ? [...new Set(changes.districtIds)].sort() : undefined;
    if (districtIds) {
      const unknown = await this.users.unknownDistricts(this.uow.manager(), districtIds);
      if (unknown.length > 0) {
        throw DomainError.validation(
          'districtIds',
          'UNKNOWN_DISTRICT',
          `Unknown district id(s): ${unknown.join(', ')}`,
        );
      }
    }
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const user = await this.users.findById(tx, command.userId, { lock: true });
      if (!user) throw DomainError.notFound('User');
      if (changes.password !== undefined)
        this.passwordPolicy.check(changes.password, user.username);
      const changed: Record<string, unknown> = {};
      if (changes.role !== undefined && changes.role !== user.role)
        changed.role = user.role = changes.role;
      if (districtIds && districtIds.join() !== user.districtIds.join())
        changed.districtIds = user.districtIds = districtIds;
      if (changes.disabled !== undefined && changes.disabled !== user.disabled) {
        changed.disabled = user.disabled = changes.disabled;
      }
      if (changes.password !== undefined || changes.passwordHash !== undefined) {
        user.passwordHash = changes.passwordHash ?? (await this.hasher.hash(changes.password!));
        changed.passwordChanged = true;
      }
      if (Object.keys(changed).length === 0) return toUserView(user);
      // A password reset or a disable revokes every token issued before it.
      if (changed.passwordChanged || changed.disabled === true) user.tokenVersion += 1;
      if (command.changeId) changed.changeId = command.changeId;
      user.updatedAt = now;
      await this.users.update(tx, user);
      await this.events.append(tx, { id: user.id, type: 'user' }, [
        {
          type: 'UserUpdated',
          payload: { userId: user.id, ...changed },
          actorId: actor.userId,
          occurredAt: now,
        },
      ]);
      await this.audit.record(tx, {
        actorId: actor.userId,
        action: 'user.update',
        targetType: 'user',
        targetId: user.id,
        ip: actor.ip,
        outcome: 'success',
        details: changed,
        at: now,
      });
      return toUserView(user);
    });
  }
}
