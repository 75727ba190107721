import { type Role } from '../../../common/roles';
import { type LockoutPolicy } from '../domain/lockout-policy';

export const LOCKOUT_POLICY = Symbol('LOCKOUT_POLICY');
export type { LockoutPolicy };

export abstract class TokenIssuer {
  abstract issue(user: {
    id: string;
    username: string;
    role: Role;
    tokenVersion?: number;
  }): Promise<{ accessToken: string; expiresIn: number }>;
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  districtIds: string[];
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export const toUserView = (u: {
  id: string;
  username: string;
  role: Role;
  districtIds: string[];
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  districtIds: u.districtIds,
  disabled: u.disabled,
  createdAt: u.createdAt.toISOString(),
  updatedAt: u.updatedAt.toISOString(),
});
