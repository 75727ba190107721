import { type EntityManager } from 'typeorm';

export interface AuditEntry {
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  ip?: string | null;
  outcome: 'success' | 'refused' | 'failed';
  /** Identifiers and field names only, never the personal data itself. */
  details?: Record<string, unknown>;
  at: Date;
}

/** Records writes and privileged actions in the caller's transaction. */
export abstract class AuditLog {
  abstract record(tx: EntityManager, entry: AuditEntry): Promise<void>;
}
