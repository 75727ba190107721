import { type Actor, type Role } from '../../../../../common/roles';
import { type UserView } from '../../tokens';

/** POST /users: an account is created only once a second admin approves. */
export class ProposeUserCreateCommand {
  constructor(
    readonly actor: Actor,
    readonly username: string,
    readonly password: string,
    readonly role: Role,
    readonly districtIds: string[],
  ) {}
}

/** PATCH /users/{id}: narrowing applies at once, widening waits for a second admin. */
export class RequestUserUpdateCommand {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly changes: {
      role?: Role;
      districtIds?: string[];
      disabled?: boolean;
      password?: string;
    },
  ) {}
}

export class DecideUserChangeCommand {
  constructor(
    readonly actor: Actor,
    readonly changeId: string,
    readonly decision: 'approve' | 'reject',
  ) {}
}

export type UserChangeStatus = 'pending' | 'approved' | 'rejected';

export interface UserChangeView {
  changeId: string;
  status: UserChangeStatus;
  kind: 'create' | 'update';
  userId: string | null;
  username: string | null;
  /** What changes: role, districtIds, disabled, and `passwordReset: true` (never the password). */
  changes: { role?: Role; districtIds?: string[]; disabled?: boolean; passwordReset?: boolean };
  proposedBy: string | null;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** PATCH /users/{id}: the user as it is now, and the pending change when part of it waits. */
export type UpdateOutcome =
  { kind: 'applied'; user: UserView } | { kind: 'pending'; change: UserChangeView };
