import { DomainError } from '../../../common/domain-error';

export type AssignmentStatus = 'assigned' | 'en_route' | 'on_scene' | 'cleared' | 'cancelled';
export const ACTIVE_ASSIGNMENT: readonly AssignmentStatus[] = ['assigned', 'en_route', 'on_scene'];

/** The crew's progress: each step in order; cancelling is possible until the crew is on scene. */
const NEXT: Record<AssignmentStatus, readonly AssignmentStatus[]> = {
  assigned: ['en_route', 'cancelled'],
  en_route: ['on_scene', 'cancelled'],
  on_scene: ['cleared'],
  cleared: [],
  cancelled: [],
};

export function assertTransition(from: AssignmentStatus, to: AssignmentStatus): void {
  if (!NEXT[from].includes(to)) {
    throw new DomainError(
      'INVALID_TRANSITION',
      'conflict',
      `An assignment that is ${from} cannot become ${to}`,
    );
  }
}

export const UNIT_STREAM = 'unit';
