import { splitUserUpdate } from './user-change';

describe('splitUserUpdate (separation of duties)', () => {
  const current = { role: 'dispatcher' as const, districtIds: ['a', 'b'], disabled: false };

  it('applies a disable and dropped districts at once', () => {
    expect(splitUserUpdate(current, { disabled: true, districtIds: ['a'] }, false)).toEqual({
      immediate: { disabled: true, districtIds: ['a'] },
      pending: {},
    });
  });

  it('narrows a district swap at once and asks approval for the new set', () => {
    expect(splitUserUpdate(current, { districtIds: ['b', 'c'] }, false)).toEqual({
      immediate: { districtIds: ['b'] },
      pending: { districtIds: ['b', 'c'] },
    });
  });

  it('asks approval for a role change, re-enabling and another user’s password reset', () => {
    const disabled = { ...current, disabled: true };
    expect(
      splitUserUpdate(disabled, { role: 'admin', disabled: false, passwordHash: 'h' }, false),
    ).toEqual({ immediate: {}, pending: { role: 'admin', disabled: false, passwordHash: 'h' } });
  });

  it('lets an admin change their own password at once; no-op changes are empty', () => {
    expect(splitUserUpdate(current, { passwordHash: 'h' }, true)).toEqual({
      immediate: { passwordHash: 'h' },
      pending: {},
    });
    expect(
      splitUserUpdate(current, { role: 'dispatcher', districtIds: ['b', 'a', 'a'] }, false),
    ).toEqual({ immediate: {}, pending: {} });
  });
});
