/**
 * Failed-logon limits. CJIS Security Policy v6.0 AC-7: no more than 5 consecutive invalid attempts
 * within 15 minutes, then lock for at least 10 minutes. The per-address limit is set high because a
 * whole dispatch centre works from behind one address, and it never refuses correct credentials:
 * past it, failed logins from the address answer 429 with Retry-After instead of 401.
 */
export interface LockoutPolicy {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
  maxFailuresPerAddress: number;
  addressWindowSeconds: number;
}

export const DEFAULT_LOCKOUT_POLICY: LockoutPolicy = {
  maxFailures: 5,
  windowSeconds: 15 * 60,
  lockSeconds: 10 * 60,
  maxFailuresPerAddress: 100,
  addressWindowSeconds: 15 * 60,
};

export interface LockoutState {
  failedCount: number;
  windowStartedAt: Date | null;
  lockedUntil: Date | null;
}

export type AttemptVerdict = 'success' | 'bad_credentials' | 'locked' | 'disabled';

/**
 * Decides the outcome of one logon attempt and the next lockout state. Pure: the caller supplies
 * whether the password matched and the current time.
 */
export function decideAttempt(
  policy: LockoutPolicy,
  state: LockoutState,
  input: { passwordMatched: boolean; userDisabled: boolean; now: Date },
): { verdict: AttemptVerdict; next: LockoutState } {
  const { now } = input;
  if (state.lockedUntil && state.lockedUntil > now) return { verdict: 'locked', next: state };
  if (!input.passwordMatched) {
    const windowOpen =
      state.windowStartedAt !== null &&
      now.getTime() - state.windowStartedAt.getTime() < policy.windowSeconds * 1000;
    const failedCount = windowOpen ? state.failedCount + 1 : 1;
    const windowStartedAt = windowOpen ? state.windowStartedAt : now;
    if (failedCount >= policy.maxFailures) {
      return {
        verdict: 'bad_credentials',
        next: {
          failedCount: 0,
          windowStartedAt: null,
          lockedUntil: new Date(now.getTime() + policy.lockSeconds * 1000),
        },
      };
    }
    return {
      verdict: 'bad_credentials',
      next: { failedCount, windowStartedAt, lockedUntil: null },
    };
  }
  if (input.userDisabled) return { verdict: 'disabled', next: state };
  return { verdict: 'success', next: { failedCount: 0, windowStartedAt: null, lockedUntil: null } };
}
