import { type Actor, type Role } from '../../../../../common/roles';

export class CreateUserCommand {
  constructor(
    readonly actor: Actor | null,
    readonly username: string,
    readonly password: string,
    readonly role: Role,
    readonly districtIds: string[],
    /** The approved change this applies (the password was checked and hashed when proposed). */
    readonly approved?: { changeId: string; passwordHash: string },
  ) {}
}
