import { assertTransition, type AssignmentStatus } from './assignment';

describe('assignment transitions', () => {
  it.each([
    ['assigned', 'en_route'],
    ['en_route', 'on_scene'],
    ['on_scene', 'cleared'],
    ['assigned', 'cancelled'],
    ['en_route', 'cancelled'],
  ] as Array<[AssignmentStatus, AssignmentStatus]>)('allows %s → %s', (from, to) => {
    expect(() => assertTransition(from, to)).not.toThrow();
  });

  it.each([
    ['assigned', 'cleared'],
    ['assigned', 'on_scene'],
    ['en_route', 'cleared'],
    ['on_scene', 'en_route'],
    ['on_scene', 'cancelled'],
    ['cleared', 'en_route'],
    ['cleared', 'cleared'],
    ['cancelled', 'en_route'],
  ] as Array<[AssignmentStatus, AssignmentStatus]>)(
    'refuses %s → %s with INVALID_TRANSITION',
    (from, to) => {
      expect(() => assertTransition(from, to)).toThrow(
        expect.objectContaining({ code: 'INVALID_TRANSITION', kind: 'conflict' }),
      );
    },
  );
});
