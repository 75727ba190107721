import { type Role } from '../../../common/roles';

export interface User {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  districtIds: string[];
  disabled: boolean;
  /** Carried by every token; bumped by a password reset or a disable to revoke older tokens. */
  tokenVersion: number;
  createdAt: Date;
  updatedAt: Date;
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,63}$/;
