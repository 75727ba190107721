import { randomUUID } from 'node:crypto';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore, type NewEvent } from '@app/event-store';
import { Clock } from '@app/kz';
import {
  pgConstraint,
  pgErrorCode,
  PG_UNIQUE_VIOLATION,
  rowsOf,
  UnitOfWork,
} from '@app/persistence';
import { type EntityManager } from 'typeorm';
import { DomainError } from '../../../../../common/domain-error';
import { type Principal } from '../../../../../common/roles';
import { assertTransition, type AssignmentStatus, UNIT_STREAM } from '../../../domain/assignment';
import { INCIDENT_STREAM } from '../../../../incidents/domain/incident';
import { lockIncident } from '../../../../incidents/application/lock-incident';
import { assertUnitAccess, checkBackdating, lockUnit, resolveAt } from '../../dispatch-rules';
import { RuleSetRepository } from '../../../../policy/application/rule-set.repository';
import {
  AssignUnitCommand,
  type AssignmentView,
  CancelAssignmentCommand,
  UpdateAssignmentStatusCommand,
} from './assignment.commands';

/**
 * When a step happens. `now` is read from the clock only after the incident and crew locks are
 * held, so recorded times follow the order in which the database serialised the commands: a crew
 * released by one command and assigned by another is never recorded on two incidents at once.
 */
interface Timing {
  clock: Clock;
  /** The client's `at` (a backdated step), if it gave one. */
  requested?: string;
  /** Present for steps that may be backdated: the dispatch policy's limit applies. */
  backdate?: { ruleSets: RuleSetRepository; reason?: string };
}

/** Now (after the locks), the step's time and, for backdatable steps, the policy's check. */
async function stepTime(
  tx: EntityManager,
  timing: Timing,
  receivedAt: Date,
  notBefore: Date,
): Promise<{ now: Date; at: Date }> {
  const now = timing.clock.now();
  let at = resolveAt(timing.requested, now);
  // No time given: now, but never before `notBefore` (a console clock may run a little ahead).
  if (timing.requested === undefined && at < notBefore) at = notBefore;
  if (timing.backdate) {
    const max = (await timing.backdate.ruleSets.activeAt(tx, 'dispatch', now)).number(
      'backdate.maxSeconds',
    );
    checkBackdating(at, now, receivedAt, max, timing.backdate.reason);
  }
  return { now, at };
}

const unitNotAvailable = () =>
  new DomainError(
    'UNIT_NOT_AVAILABLE',
    'conflict',
    'The crew is not available (already assigned or off duty)',
  );

interface AssignmentRow {
  id: string;
  incident_id: string;
  unit_id: string;
  status: AssignmentStatus;
  assigned_at: Date;
  en_route_at: Date | null;
  on_scene_at: Date | null;
  cleared_at: Date | null;
  cancelled_at: Date | null;
}

export const toAssignmentView = (r: AssignmentRow): AssignmentView => ({
  assignmentId: r.id,
  incidentId: r.incident_id,
  unitId: r.unit_id,
  status: r.status,
  assignedAt: r.assigned_at.toISOString(),
  enRouteAt: r.en_route_at?.toISOString() ?? null,
  onSceneAt: r.on_scene_at?.toISOString() ?? null,
  clearedAt: r.cleared_at?.toISOString() ?? null,
  cancelledAt: r.cancelled_at?.toISOString() ?? null,
});

/** Incident status follows its assignments: open (none active), dispatched, on scene, cleared. */
async function refreshIncidentStatus(
  tx: EntityManager,
  incidentId: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE incidents i SET updated_at = $2, status = CASE
        WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.status = 'on_scene') THEN 'on_scene'
        WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.status IN ('assigned', 'en_route')) THEN 'dispatched'
        WHEN EXISTS (SELECT 1 FROM assignments a WHERE a.incident_id = i.id AND a.status = 'cleared') THEN 'cleared'
        ELSE 'open' END
     WHERE i.id = $1 AND i.status <> 'closed'`,
    [incidentId, now],
  );
}

/** The incident's and the crew's events of one step: two streams, one append (issue 8). */
async function appendIncidentAndUnit(
  events: EventStore,
  tx: EntityManager,
  incidentId: string,
  unitId: string,
  incidentEvents: NewEvent[],
  unitEvents: NewEvent[],
): Promise<void> {
  await events.appendMany(tx, [
    { stream: { id: incidentId, type: INCIDENT_STREAM }, events: incidentEvents },
    { stream: { id: unitId, type: UNIT_STREAM }, events: unitEvents },
  ]);
}

@CommandHandler(AssignUnitCommand)
export class AssignUnitHandler implements ICommandHandler<AssignUnitCommand, AssignmentView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  async execute(c: AssignUnitCommand): Promise<AssignmentView> {
    try {
      return await this.uow.run((tx) =>
        assign(tx, this.events, c.principal, c.incidentId, c.unitId, {
          clock: this.clock,
          requested: c.at,
          backdate: { ruleSets: this.ruleSets, reason: c.backdateReason },
        }),
      );
    } catch (error) {
      if (
        pgErrorCode(error) === PG_UNIQUE_VIOLATION &&
        pgConstraint(error) === 'assignments_one_active_per_unit'
      ) {
        throw unitNotAvailable();
      }
      throw error;
    }
  }
}

/** Incident first, then crew: every path takes the two locks in this order, so none deadlocks. */
async function assign(
  tx: EntityManager,
  events: EventStore,
  principal: Principal,
  incidentId: string,
  unitId: string,
  timing: Timing,
): Promise<AssignmentView> {
  const incident = await lockIncident(tx, incidentId, principal);
  if (incident.status === 'closed')
    throw new DomainError('INCIDENT_CLOSED', 'conflict', 'The incident is closed');
  const unit = await lockUnit(tx, unitId);
  assertUnitAccess(principal, unit, incident.region);
  if (unit.status !== 'available') throw unitNotAvailable();
  // The crew was last released (cleared or cancelled) at this time; an assignment starting
  // before it would put the crew on two incidents at once.
  const [{ released_at: releasedAt }] = await rowsOf<{ released_at: Date | null }>(
    tx,
    `SELECT max(COALESCE(cleared_at, cancelled_at)) AS released_at FROM assignments
     WHERE unit_id = $1 AND status IN ('cleared', 'cancelled')`,
    [unitId],
  );
  const notBefore =
    releasedAt && releasedAt > incident.received_at ? releasedAt : incident.received_at;
  const { now, at } = await stepTime(tx, timing, incident.received_at, notBefore);
  if (releasedAt && at < releasedAt)
    throw DomainError.validation(
      'at',
      'BEFORE_UNIT_RELEASED',
      'at is before the crew was released from its previous assignment',
    );
  const id = randomUUID();
  // One statement: the assignment, the crew dispatched, the incident's dispatch time and status
  // (what refreshIncidentStatus computes, knowing the new assignment is active).
  const [row] = (await tx.query(
    `WITH a AS (
       INSERT INTO assignments (id, incident_id, unit_id, status, assigned_at, assigned_by, created_at, backdate_reason)
       VALUES ($1, $2, $3, 'assigned', $4, $5, $6, $7) RETURNING *),
     u AS (UPDATE units SET status = 'dispatched', updated_at = $6 WHERE id = $3),
     i AS (
       UPDATE incidents i SET dispatched_at = COALESCE(i.dispatched_at, $4), updated_at = $6,
         status = CASE WHEN i.status = 'closed' THEN i.status
           WHEN EXISTS (SELECT 1 FROM assignments x WHERE x.incident_id = i.id AND x.status = 'on_scene')
           THEN 'on_scene' ELSE 'dispatched' END
       WHERE i.id = $2)
     SELECT * FROM a`,
    [id, incidentId, unitId, at, principal.id, now, timing.backdate?.reason ?? null],
  )) as AssignmentRow[];
  await appendIncidentAndUnit(
    events,
    tx,
    incidentId,
    unitId,
    [
      {
        type: 'UnitAssigned',
        payload: {
          assignmentId: id,
          incidentId,
          unitId,
          callSign: unit.call_sign,
          at: at.toISOString(),
        },
        actorId: principal.id,
        occurredAt: now,
      },
    ],
    [
      {
        type: 'UnitStatusChanged',
        payload: { unitId, from: unit.status, to: 'dispatched', assignmentId: id, incidentId },
        actorId: principal.id,
        occurredAt: now,
      },
    ],
  );
  return toAssignmentView(row);
}

async function lockAssignment(tx: EntityManager, id: string): Promise<AssignmentRow> {
  const [row] = (await tx.query(`SELECT * FROM assignments WHERE id = $1`, [
    id,
  ])) as AssignmentRow[];
  if (!row) throw DomainError.notFound('Assignment');
  return row;
}

const STATUS_COLUMN: Record<'en_route' | 'on_scene' | 'cleared' | 'cancelled', string> = {
  en_route: 'en_route_at',
  on_scene: 'on_scene_at',
  cleared: 'cleared_at',
  cancelled: 'cancelled_at',
};

const UNIT_STATUS_AFTER: Record<'en_route' | 'on_scene' | 'cleared' | 'cancelled', string> = {
  en_route: 'en_route',
  on_scene: 'on_scene',
  cleared: 'available',
  cancelled: 'available',
};

const EVENT_FOR: Record<'en_route' | 'on_scene' | 'cleared' | 'cancelled', string> = {
  en_route: 'UnitEnRoute',
  on_scene: 'UnitOnScene',
  cleared: 'UnitCleared',
  cancelled: 'AssignmentCancelled',
};

/** Moves an assignment one step, time-stamped; the crew and the incident follow. */
async function advance(
  tx: EntityManager,
  events: EventStore,
  principal: Principal,
  assignmentId: string,
  to: 'en_route' | 'on_scene' | 'cleared' | 'cancelled',
  timing: Timing,
  extra: Record<string, unknown> = {},
  cancelReason: string | null = null,
): Promise<AssignmentView> {
  const peek = await lockAssignment(tx, assignmentId);
  const incident = await lockIncident(tx, peek.incident_id, principal, {
    type: 'assignment',
    id: assignmentId,
    what: 'Assignment',
  });
  const unit = await lockUnit(tx, peek.unit_id);
  const current = await lockAssignment(tx, assignmentId);
  assertTransition(current.status, to);
  const previous =
    current.cleared_at ?? current.on_scene_at ?? current.en_route_at ?? current.assigned_at;
  // No time given: now, but never before the previous step (which may carry a clock ahead).
  const { now, at } = await stepTime(tx, timing, incident.received_at, previous);
  if (at < previous)
    throw DomainError.validation(
      'at',
      'BEFORE_PREVIOUS_STEP',
      'at is before the previous step of this assignment',
    );
  const column = STATUS_COLUMN[to];
  const [row] = await rowsOf<AssignmentRow>(
    tx,
    `UPDATE assignments SET status = $2, ${column} = $3, cancel_reason = COALESCE($4, cancel_reason),
       backdate_reason = COALESCE($5, backdate_reason) WHERE id = $1 RETURNING *`,
    [assignmentId, to, at, cancelReason, timing.backdate?.reason ?? null],
  );
  await tx.query(`UPDATE units SET status = $2, updated_at = $3 WHERE id = $1`, [
    unit.id,
    UNIT_STATUS_AFTER[to],
    now,
  ]);
  if (to === 'on_scene') {
    await tx.query(`UPDATE incidents SET on_scene_at = COALESCE(on_scene_at, $2) WHERE id = $1`, [
      incident.id,
      at,
    ]);
  }
  if (to === 'cleared') {
    await tx.query(`UPDATE incidents SET cleared_at = $2 WHERE id = $1`, [incident.id, at]);
  }
  await refreshIncidentStatus(tx, incident.id, now);
  await appendIncidentAndUnit(
    events,
    tx,
    incident.id,
    unit.id,
    [
      {
        type: EVENT_FOR[to],
        payload: {
          assignmentId,
          incidentId: incident.id,
          unitId: unit.id,
          at: at.toISOString(),
          ...extra,
        },
        actorId: principal.id,
        occurredAt: now,
      },
    ],
    [
      {
        type: 'UnitStatusChanged',
        payload: {
          unitId: unit.id,
          from: unit.status,
          to: UNIT_STATUS_AFTER[to],
          assignmentId,
          incidentId: incident.id,
        },
        actorId: principal.id,
        occurredAt: now,
      },
    ],
  );
  return toAssignmentView(row);
}

@CommandHandler(UpdateAssignmentStatusCommand)
export class UpdateAssignmentStatusHandler implements ICommandHandler<
  UpdateAssignmentStatusCommand,
  AssignmentView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  execute(c: UpdateAssignmentStatusCommand): Promise<AssignmentView> {
    return this.uow.run((tx) =>
      advance(tx, this.events, c.principal, c.assignmentId, c.status, {
        clock: this.clock,
        requested: c.at,
        backdate: { ruleSets: this.ruleSets, reason: c.backdateReason },
      }),
    );
  }
}

@CommandHandler(CancelAssignmentCommand)
export class CancelAssignmentHandler implements ICommandHandler<
  CancelAssignmentCommand,
  { cancelled: AssignmentView; replacement?: AssignmentView }
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly clock: Clock,
  ) {}

  async execute(
    c: CancelAssignmentCommand,
  ): Promise<{ cancelled: AssignmentView; replacement?: AssignmentView }> {
    try {
      return await this.uow.run(async (tx) => {
        const cancelled = await advance(
          tx,
          this.events,
          c.principal,
          c.assignmentId,
          'cancelled',
          { clock: this.clock },
          // The free-text reason stays in the assignment row, out of the immutable event.
          c.reassignTo ? { reassignedTo: c.reassignTo } : {},
          c.reason,
        );
        if (!c.reassignTo) return { cancelled };
        const replacement = await assign(
          tx,
          this.events,
          c.principal,
          cancelled.incidentId,
          c.reassignTo,
          { clock: this.clock },
        );
        return { cancelled, replacement };
      });
    } catch (error) {
      if (
        pgErrorCode(error) === PG_UNIQUE_VIOLATION &&
        pgConstraint(error) === 'assignments_one_active_per_unit'
      ) {
        throw unitNotAvailable();
      }
      throw error;
    }
  }
}
