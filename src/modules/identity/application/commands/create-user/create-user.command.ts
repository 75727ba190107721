import { type Actor, type Role } from '../../../../../common/roles';

export class CreateUserCommand {
  constructor(
    readonly actor: Actor | null,
    readonly username: string,
    readonly password: string,
    readonly role: Role,
    readonly districtIds: string[],
  ) {}
}
