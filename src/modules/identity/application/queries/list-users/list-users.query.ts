export class ListUsersQuery {}
