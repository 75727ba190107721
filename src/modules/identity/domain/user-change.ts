import { type Role } from '../../../common/roles';
import { DomainError } from '../../../common/domain-error';

/**
 * Separation of duties. Every role either reads victim data or audit (dispatcher, inspector,
 * supervisor, prosecutor) or can grant access (admin), so creating any account needs a second admin.
 */
export const ROLES_NEEDING_APPROVAL: readonly Role[] = [
  'dispatcher',
  'inspector',
  'supervisor',
  'prosecutor',
  'admin',
];

export interface UserChangeSet {
  role?: Role;
  districtIds?: string[];
  disabled?: boolean;
  /** A password reset of another user: the hash, never the password. */
  passwordHash?: string;
}

export interface SplitUpdate {
  /** Narrowing: applies at once (disable, fewer districts, the admin's own password). */
  immediate: UserChangeSet;
  /** Widening or a reset of someone else's password: waits for a second admin. */
  pending: UserChangeSet;
}

/**
 * Splits a requested change of `current` into what applies at once and what needs approval. A
 * district swap narrows at once to the districts kept and asks approval for the new set; any role
 * change, re-enabling and another user's password reset need approval.
 */
export function splitUserUpdate(
  current: { role: Role; districtIds: string[]; disabled: boolean },
  requested: {
    role?: Role;
    districtIds?: string[];
    disabled?: boolean;
    passwordHash?: string;
  },
  self: boolean,
): SplitUpdate {
  const immediate: UserChangeSet = {};
  const pending: UserChangeSet = {};
  if (requested.role !== undefined && requested.role !== current.role)
    pending.role = requested.role;
  if (requested.districtIds !== undefined) {
    const wanted = [...new Set(requested.districtIds)].sort();
    const kept = current.districtIds.filter((d) => wanted.includes(d)).sort();
    const added = wanted.filter((d) => !current.districtIds.includes(d));
    if (kept.length !== current.districtIds.length) immediate.districtIds = kept;
    if (added.length > 0) pending.districtIds = wanted;
  }
  if (requested.disabled === true && !current.disabled) immediate.disabled = true;
  if (requested.disabled === false && current.disabled) pending.disabled = false;
  if (requested.passwordHash !== undefined) {
    if (self) immediate.passwordHash = requested.passwordHash;
    else pending.passwordHash = requested.passwordHash;
  }
  return { immediate, pending };
}

export const isEmptyChange = (c: UserChangeSet): boolean => Object.keys(c).length === 0;

export const approverIsProposer = () =>
  new DomainError(
    'APPROVER_IS_PROPOSER',
    'forbidden',
    'A change must be approved by another admin than the one who proposed it',
  );

export const approverIsSubject = () =>
  new DomainError(
    'APPROVER_IS_SUBJECT',
    'forbidden',
    'An admin cannot approve a change of their own account',
  );

export const changeNotPending = () =>
  new DomainError('CHANGE_NOT_PENDING', 'conflict', 'This change has already been decided');
