import { DomainError } from '../../../common/domain-error';

/** One answer for unknown user, wrong password, locked and disabled accounts (no enumeration). */
export const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 'unauthenticated', 'Invalid username or password');

export const usernameTaken = () =>
  new DomainError('USERNAME_TAKEN', 'conflict', 'That username is already in use');

export const tooManyAttemptsFromAddress = () =>
  new DomainError(
    'RATE_LIMITED',
    'rate_limited',
    'Too many failed logins from this address; try again later',
  );

export const selfLockout = () =>
  new DomainError(
    'SELF_LOCKOUT',
    'conflict',
    'You cannot disable yourself or remove your own admin role',
  );
