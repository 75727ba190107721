import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type AlertKind } from '../domain/alert-kinds';

export type DeadlineEffect = (
  tx: EntityManager,
  subjectId: string,
  now: Date,
  alertId: string,
) => Promise<void>;

/**
 * State changes a firing deadline causes in the modules that own or follow its subject (an
 * order's term ran out: the order expires; an arrest ends: the victim is notified). Modules
 * register them at start-up, several per kind if need be, run in registration order; they run in
 * the firing transaction, so the alert and its effects commit together or not at all.
 */
@Injectable()
export class DeadlineEffects {
  private readonly effects = new Map<AlertKind, DeadlineEffect[]>();

  register(kind: AlertKind, effect: DeadlineEffect): void {
    this.effects.set(kind, [...(this.effects.get(kind) ?? []), effect]);
  }

  async apply(
    kind: AlertKind,
    tx: EntityManager,
    subjectId: string,
    now: Date,
    alertId: string,
  ): Promise<void> {
    for (const effect of this.effects.get(kind) ?? []) await effect(tx, subjectId, now, alertId);
  }
}
