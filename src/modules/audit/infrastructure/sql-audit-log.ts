import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditEntry, AuditLog } from '../application/audit-log';

@Injectable()
export class SqlAuditLog extends AuditLog {
  async record(tx: EntityManager, e: AuditEntry): Promise<void> {
    await tx.query(
      `INSERT INTO audit_log (actor_id, action, target_type, target_id, at, ip, outcome, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [
        e.actorId,
        e.action,
        e.targetType ?? null,
        e.targetId ?? null,
        e.at,
        e.ip ?? null,
        e.outcome,
        JSON.stringify(e.details ?? {}),
      ],
    );
  }
}
