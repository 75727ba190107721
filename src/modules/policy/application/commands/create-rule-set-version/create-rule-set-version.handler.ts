import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { EventStore } from '@app/event-store';
import { Clock } from '@app/kz';
import { pgErrorCode, PG_UNIQUE_VIOLATION, UnitOfWork } from '@app/persistence';
import { DomainError } from '../../../../../common/domain-error';
import { AuditLog } from '../../../../audit/application/audit-log';
import { type RuleValue } from '../../../domain/rule-set';
import { ReferenceCache } from '../../reference-cache';
import {
  checkAgainstPrevious,
  MAX_VALID_FROM_AHEAD_DAYS,
  parseRuleValues,
} from '../../../domain/rule-values';
import { CreateRuleSetVersionCommand } from './create-rule-set-version.command';

export interface RuleSetVersionView {
  id: string;
  kind: string;
  version: string;
  validFrom: string;
  validTo: string | null;
  values: Record<string, RuleValue>;
  carriedOver: string[];
}

/** Tolerated lead of the caller's clock; a version may not start in the past (no retroactive law). */
const CLOCK_SKEW_MS = 60_000;

@CommandHandler(CreateRuleSetVersionCommand)
export class CreateRuleSetVersionHandler implements ICommandHandler<
  CreateRuleSetVersionCommand,
  RuleSetVersionView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventStore,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly cache: ReferenceCache,
  ) {}

  async execute(c: CreateRuleSetVersionCommand): Promise<RuleSetVersionView> {
    const now = this.clock.now();
    const given = parseRuleValues(c.values);
    // Records decided earlier keep the set they were decided under; a new version cannot reach back.
    if (c.validFrom.getTime() < now.getTime() - CLOCK_SKEW_MS)
      throw new DomainError('VALID_FROM_IN_PAST', 'rule', 'validFrom must not be in the past', [
        {
          field: 'validFrom',
          code: 'VALID_FROM_IN_PAST',
          message: 'validFrom must not be in the past',
        },
      ]);
    if (c.validFrom.getTime() > now.getTime() + MAX_VALID_FROM_AHEAD_DAYS * 86_400_000)
      throw new DomainError(
        'VALID_FROM_TOO_FAR',
        'rule',
        `validFrom must be within ${MAX_VALID_FROM_AHEAD_DAYS} days`,
        [
          {
            field: 'validFrom',
            code: 'VALID_FROM_TOO_FAR',
            message: `validFrom must be within ${MAX_VALID_FROM_AHEAD_DAYS} days`,
          },
        ],
      );
    try {
      const created = await this.uow.run(async (tx) => {
        // One writer per kind at a time, so two admins cannot both append "the latest" version.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('rule_sets:' || $1))`, [c.kind]);
        const [latest] = (await tx.query(
          `SELECT id, version, valid_from, values FROM rule_sets WHERE kind = $1 ORDER BY valid_from DESC LIMIT 1`,
          [c.kind],
        )) as Array<{
          id: string;
          version: string;
          valid_from: Date;
          values: Record<string, RuleValue>;
        }>;
        if (!latest)
          throw DomainError.validation('kind', 'UNKNOWN_KIND', 'kind names no existing rule set');
        if (c.validFrom <= latest.valid_from)
          throw new DomainError(
            'VALID_FROM_NOT_AFTER_LATEST',
            'rule',
            'validFrom must be after the latest version of this kind',
            [
              {
                field: 'validFrom',
                code: 'VALID_FROM_NOT_AFTER_LATEST',
                message: 'validFrom must be after the latest version',
              },
            ],
          );
        checkAgainstPrevious(given, latest.values);
        const carriedOver = Object.keys(latest.values).filter((k) => !(k in given));
        const values = { ...latest.values, ...given };
        const id = randomUUID();
        await tx.query(
          `INSERT INTO rule_sets (id, kind, version, valid_from, valid_to, description, values, created_at)
           VALUES ($1, $2, $3, $4, NULL, $5, $6::jsonb, $7)`,
          [
            id,
            c.kind,
            c.version,
            c.validFrom,
            c.description ?? `${c.kind} ${c.version}`,
            JSON.stringify(values),
            now,
          ],
        );
        await this.events.append(tx, { id, type: 'rule_set' }, [
          {
            type: 'RuleSetVersionCreated',
            payload: {
              ruleSetId: id,
              kind: c.kind,
              version: c.version,
              validFrom: c.validFrom.toISOString(),
              changedKeys: Object.keys(given),
              previousId: latest.id,
            },
            actorId: c.actor.userId,
            occurredAt: now,
          },
        ]);
        await this.audit.record(tx, {
          actorId: c.actor.userId,
          action: 'policy.create_version',
          targetType: 'rule_set',
          targetId: id,
          ip: c.actor.ip,
          outcome: 'success',
          details: { kind: c.kind, version: c.version, changedKeys: Object.keys(given) },
          at: now,
        });
        return {
          id,
          kind: c.kind,
          version: c.version,
          validFrom: c.validFrom.toISOString(),
          validTo: null,
          values,
          carriedOver,
        };
      });
      // This instance reads the new version at once; others drop theirs on the change notice.
      this.cache.invalidate('rule_sets');
      return created;
    } catch (error) {
      if (pgErrorCode(error) === PG_UNIQUE_VIOLATION)
        throw new DomainError(
          'VERSION_EXISTS',
          'conflict',
          'That version of this kind exists already',
        );
      throw error;
    }
  }
}
