import { type Role } from '../../../common/roles';

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  districtIds: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
