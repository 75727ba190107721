import { decideAttempt, DEFAULT_LOCKOUT_POLICY, type LockoutState } from './lockout-policy';

const t0 = new Date('2026-11-22T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const fresh: LockoutState = { failedCount: 0, windowStartedAt: null, lockedUntil: null };

function fail(state: LockoutState, seconds: number) {
  return decideAttempt(DEFAULT_LOCKOUT_POLICY, state, {
    passwordMatched: false,
    userDisabled: false,
    now: at(seconds),
  });
}

describe('lockout policy', () => {
  it('locks for 10 minutes on the fifth failure within 15 minutes', () => {
    let state = fresh;
    for (let i = 0; i < 4; i++) {
      const r = fail(state, i * 60);
      expect(r.verdict).toBe('bad_credentials');
      expect(r.next.lockedUntil).toBeNull();
      state = r.next;
    }
    const fifth = fail(state, 14 * 60);
    expect(fifth.next.lockedUntil).toEqual(at(14 * 60 + 600));
    const right = decideAttempt(DEFAULT_LOCKOUT_POLICY, fifth.next, {
      passwordMatched: true,
      userDisabled: false,
      now: at(14 * 60 + 599),
    });
    expect(right.verdict).toBe('locked');
    const after = decideAttempt(DEFAULT_LOCKOUT_POLICY, fifth.next, {
      passwordMatched: true,
      userDisabled: false,
      now: at(14 * 60 + 600),
    });
    expect(after.verdict).toBe('success');
  });

  it('does not lock when the failures are spread over more than 15 minutes', () => {
    let state = fresh;
    for (let i = 0; i < 5; i++) state = fail(state, i * 4 * 60).next;
    // failures at 0,4,8,12 min open one window; the one at 16 min starts a new window
    expect(state.lockedUntil).toBeNull();
    expect(state.failedCount).toBe(1);
  });

  it('resets the count on success', () => {
    let state = fresh;
    for (let i = 0; i < 4; i++) state = fail(state, i).next;
    const ok = decideAttempt(DEFAULT_LOCKOUT_POLICY, state, {
      passwordMatched: true,
      userDisabled: false,
      now: at(10),
    });
    expect(ok.verdict).toBe('success');
    expect(fail(ok.next, 11).next.failedCount).toBe(1);
  });

  it('reports a disabled account only after the password matched', () => {
    expect(
      decideAttempt(DEFAULT_LOCKOUT_POLICY, fresh, {
        passwordMatched: true,
        userDisabled: true,
        now: t0,
      }).verdict,
    ).toBe('disabled');
    expect(
      decideAttempt(DEFAULT_LOCKOUT_POLICY, fresh, {
        passwordMatched: false,
        userDisabled: true,
        now: t0,
      }).verdict,
    ).toBe('bad_credentials');
  });
});
