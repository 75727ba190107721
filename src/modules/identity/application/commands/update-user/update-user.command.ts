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
    },
  ) {}
}
