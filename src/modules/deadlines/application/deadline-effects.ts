import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type AlertKind } from '../domain/alert-kinds';

export type DeadlineEffect = (tx: EntityManager, subjectId: string, now: Date) => Promise<void>;

/**
 * State changes a firing deadline causes in the module that owns its subject (an order's term
 * ran out: the order expires). Owners register them at start-up; they run in the firing
 * transaction, so the alert and the change commit together or not at all.
 */
@Injectable()
export class DeadlineEffects {
  private readonly effects = new Map<AlertKind, DeadlineEffect>();

  register(kind: AlertKind, effect: DeadlineEffect): void {
    this.effects.set(kind, effect);
  }

  async apply(kind: AlertKind, tx: EntityManager, subjectId: string, now: Date): Promise<void> {
    await this.effects.get(kind)?.(tx, subjectId, now);
  }
}
