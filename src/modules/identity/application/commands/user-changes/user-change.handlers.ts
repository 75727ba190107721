import { CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../../../common/domain-error';
import { type Actor } from '../../../../../common/roles';
import { AuditLog } from '../../../../audit/application/audit-log';
import { selfLockout, usernameTaken } from '../../../domain/identity.errors';
import { PasswordPolicy } from '../../../domain/password-policy';
import { USERNAME_PATTERN } from '../../../domain/user';
import {
  approverIsProposer,
  approverIsSubject,
  changeNotPending,
  isEmptyChange,
  splitUserUpdate,
  type UserChangeSet,
} from '../../../domain/user-change';
import { PasswordHasher } from '../../ports/password-hasher';
import { UserRepository } from '../../ports/user.repository';
import { toUserView, type UserView } from '../../tokens';
import { CreateUserCommand } from '../create-user/create-user.command';
import { UpdateUserCommand } from '../update-user/update-user.command';
import {
  DecideUserChangeCommand,
  ProposeUserCreateCommand,
  RequestUserUpdateCommand,
  type UpdateOutcome,
  type UserChangeView,
} from './user-change.commands';
import { toChangeView, type UserChangeRow, UserChanges } from './user-change.repository';

async function assertKnownDistricts(
  users: UserRepository,
  db: EntityManager,
  ids: string[] | undefined,
): Promise<void> {
  if (!ids) return;
  const unknown = await users.unknownDistricts(db, [...new Set(ids)]);
  if (unknown.length > 0) {
    throw DomainError.validation(
      'districtIds',
      'UNKNOWN_DISTRICT',
      `Unknown district id(s): ${unknown.join(', ')}`,
    );
  }
}

/** The proposal's event (on the change's own stream) and audit row, in the caller's transaction. */
async function recordProposal(
  tx: EntityManager,
  events: EventStore,
  audit: AuditLog,
  actor: Actor,
  row: UserChangeRow,
): Promise<void> {
  await events.append(tx, { id: row.id, type: 'user_change' }, [
    {
      type: 'UserChangeProposed',
      payload: {
        changeId: row.id,
        kind: row.kind,
        userId: row.user_id,
        username: row.username,
        changes: row.changes,
      },
      actorId: actor.userId,
      occurredAt: row.proposed_at,
    },
  ]);
  await audit.record(tx, {
    actorId: actor.userId,
    action: 'user.change.propose',
    targetType: 'user_change',
    targetId: row.id,
    ip: actor.ip,
    outcome: 'success',
    details: { kind: row.kind, userId: row.user_id, changes: row.changes },
    at: row.proposed_at,
  });
}

@CommandHandler(ProposeUserCreateCommand)
export class ProposeUserCreateHandler implements ICommandHandler<
  ProposeUserCreateCommand,
  UserChangeView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(c: ProposeUserCreateCommand): Promise<UserChangeView> {
    const username = c.username.toLowerCase();
    if (!USERNAME_PATTERN.test(username)) {
      throw DomainError.validation(
        'username',
        'USERNAME_INVALID',
        'username must be 3-64 lowercase letters, digits, dots, dashes or underscores',
      );
    }
    this.passwordPolicy.check(c.password, c.username);
    await assertKnownDistricts(this.users, this.uow.manager(), c.districtIds);
    if (await this.users.findByUsername(this.uow.manager(), username)) throw usernameTaken();
    const passwordHash = await this.hasher.hash(c.password);
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const row = await UserChanges.insert(tx, {
        kind: 'create',
        userId: null,
        username,
        changes: { role: c.role, districtIds: [...new Set(c.districtIds)].sort(), passwordHash },
        proposedBy: c.actor.userId,
        at: now,
      });
      await recordProposal(tx, this.events, this.audit, c.actor, row);
      return toChangeView(row);
    });
  }
}

@CommandHandler(RequestUserUpdateCommand)
export class RequestUserUpdateHandler implements ICommandHandler<
  RequestUserUpdateCommand,
  UpdateOutcome
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly passwordPolicy: PasswordPolicy,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async execute(c: RequestUserUpdateCommand): Promise<UpdateOutcome> {
    const { changes, actor } = c;
    const self = actor.userId === c.userId;
    if (
      self &&
      (changes.disabled === true || (changes.role !== undefined && changes.role !== 'admin'))
    ) {
      throw selfLockout();
    }
    await assertKnownDistricts(this.users, this.uow.manager(), changes.districtIds);
    const target = await this.users.findById(this.uow.manager(), c.userId);
    if (!target) throw DomainError.notFound('User');
    if (changes.password !== undefined)
      this.passwordPolicy.check(changes.password, target.username);
    const passwordHash =
      changes.password !== undefined ? await this.hasher.hash(changes.password) : undefined;
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const user = await this.users.findById(tx, c.userId, { lock: true });
      if (!user) throw DomainError.notFound('User');
      const { immediate, pending } = splitUserUpdate(
        user,
        {
          role: changes.role,
          districtIds: changes.districtIds,
          disabled: changes.disabled,
          passwordHash,
        },
        self,
      );
      let view: UserView = toUserView(user);
      if (!isEmptyChange(immediate)) {
        view = await this.commands.execute<UpdateUserCommand, UserView>(
          new UpdateUserCommand(actor, user.id, immediate),
        );
      }
      if (isEmptyChange(pending)) return { kind: 'applied', user: view };
      const row = await UserChanges.insert(tx, {
        kind: 'update',
        userId: user.id,
        username: null,
        changes: pending,
        proposedBy: actor.userId,
        at: now,
      });
      await recordProposal(tx, this.events, this.audit, actor, row);
      return { kind: 'pending', change: toChangeView(row) };
    });
  }
}

@CommandHandler(DecideUserChangeCommand)
export class DecideUserChangeHandler implements ICommandHandler<
  DecideUserChangeCommand,
  UserChangeView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly commands: CommandBus,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  execute(c: DecideUserChangeCommand): Promise<UserChangeView> {
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const row = await UserChanges.lock(tx, c.changeId);
      if (!row) throw DomainError.notFound('Change');
      if (row.status !== 'pending') throw changeNotPending();
      if (c.decision === 'approve') {
        if (row.proposed_by === c.actor.userId) throw approverIsProposer();
        if (row.user_id === c.actor.userId) throw approverIsSubject();
      }
      let userId = row.user_id;
      if (c.decision === 'approve') userId = await this.apply(row, c.actor);
      const decided = await UserChanges.decide(tx, row.id, {
        status: c.decision === 'approve' ? 'approved' : 'rejected',
        by: c.actor.userId,
        at: now,
        userId,
      });
      const type = c.decision === 'approve' ? 'UserChangeApproved' : 'UserChangeRejected';
      await this.events.append(tx, { id: row.id, type: 'user_change' }, [
        { type, payload: { changeId: row.id, userId }, actorId: c.actor.userId, occurredAt: now },
      ]);
      await this.audit.record(tx, {
        actorId: c.actor.userId,
        action: `user.change.${c.decision}`,
        targetType: 'user_change',
        targetId: row.id,
        ip: c.actor.ip,
        outcome: 'success',
        details: { kind: row.kind, userId, proposedBy: row.proposed_by },
        at: now,
      });
      return toChangeView(decided);
    });
  }

  /** Applies the change through the ordinary commands (joining this transaction). */
  private async apply(row: UserChangeRow, actor: Actor): Promise<string> {
    const { passwordReset: _reset, ...changes } = row.changes;
    const set: UserChangeSet = {
      ...changes,
      ...(row.password_hash ? { passwordHash: row.password_hash } : {}),
    };
    if (row.kind === 'create') {
      const created = await this.commands.execute<CreateUserCommand, UserView>(
        new CreateUserCommand(actor, row.username!, '', set.role!, set.districtIds ?? [], {
          changeId: row.id,
          passwordHash: row.password_hash!,
        }),
      );
      return created.id;
    }
    await this.commands.execute(new UpdateUserCommand(actor, row.user_id!, set, row.id));
    return row.user_id!;
  }
}
