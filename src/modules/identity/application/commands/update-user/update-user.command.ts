import { type Actor, type Role } from '../../../../../common/roles';

export class UpdateUserCommand {
  constructor(
    readonly actor: Actor,
    readonly userId: string,
    readonly changes: {
      role?: Role;
      districtIds?: string[];
      disabled?: boolean;
      password?: string;
      /** A password already hashed when a second admin's approval was asked for. */
      passwordHash?: string;
    },
    /** The approved change this applies, when it needed a second admin. */
    readonly changeId?: string,
  ) {}
}
