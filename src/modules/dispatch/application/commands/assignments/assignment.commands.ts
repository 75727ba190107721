import { type Principal } from '../../../../../common/roles';

export class AssignUnitCommand {
  constructor(
    readonly principal: Principal,
    readonly incidentId: string,
    readonly unitId: string,
    readonly at?: string,
    readonly backdateReason?: string,
  ) {}
}

export class UpdateAssignmentStatusCommand {
  constructor(
    readonly principal: Principal,
    readonly assignmentId: string,
    readonly status: 'en_route' | 'on_scene' | 'cleared',
    readonly at?: string,
    readonly backdateReason?: string,
  ) {}
}

/** Takes a crew off an incident (recorded, never erased); with `reassignTo`, another crew goes instead. */
export class CancelAssignmentCommand {
  constructor(
    readonly principal: Principal,
    readonly assignmentId: string,
    readonly reason: string,
    readonly reassignTo?: string,
  ) {}
}

export interface AssignmentView {
  assignmentId: string;
  incidentId: string;
  unitId: string;
  status: string;
  assignedAt: string;
  enRouteAt: string | null;
  onSceneAt: string | null;
  clearedAt: string | null;
  cancelledAt: string | null;
}
