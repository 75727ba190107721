import { DomainError } from '../../../common/domain-error';

/** One answer for unknown user, wrong password, locked and disabled accounts (no enumeration). */
export const invalidCredentials = () =>
  new DomainError('INVALID_CREDENTIALS', 'unauthenticated', 'Invalid username or password');

export const usernameTaken = () =>
  new DomainError('USERNAME_TAKEN', 'conflict', 'That username is already in use');

/** A failed login from an address over its limit (correct credentials still get through). */
export const tooManyAttemptsFromAddress = (retryAfterSeconds: number) =>
  new DomainError(
    'RATE_LIMITED',
    'rate_limited',
    'Too many failed logins from this address; try again later',
    undefined,
    retryAfterSeconds,
  );

/** Every password-check slot and queue place is taken: refused at once rather than slowed. */
export const loginBusy = () =>
  new DomainError(
    'LOGIN_BUSY',
    'unavailable',
    'Too many logins in progress; try again in a moment',
    undefined,
    1,
  );

export const selfLockout = () =>
  new DomainError(
    'SELF_LOCKOUT',
    'conflict',
    'You cannot disable yourself or remove your own admin role',
  );
