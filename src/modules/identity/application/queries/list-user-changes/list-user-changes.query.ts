import { type UserChangeStatus } from '../../commands/user-changes/user-change.commands';

export class ListUserChangesQuery {
  constructor(readonly status?: UserChangeStatus) {}
}
