import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { ReferenceCache } from '../../../../policy/application/reference-cache';
import { DomainError } from '../../../../../common/domain-error';
import { AuditLog } from '../../../../audit/application/audit-log';
import { normalizeTranscript } from '../../../domain/passphrase-matcher';
import { toPassphraseView } from '../../queries/list-passphrases/list-passphrases.handler';
import { type PassphraseView } from '../../queries/list-passphrases/list-passphrases.query';
import { CreatePassphraseCommand } from './create-passphrase.command';

@CommandHandler(CreatePassphraseCommand)
export class CreatePassphraseHandler implements ICommandHandler<
  CreatePassphraseCommand,
  PassphraseView
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly cache: ReferenceCache,
  ) {}

  async execute({ actor, passphrase: p }: CreatePassphraseCommand): Promise<PassphraseView> {
    if (p.validTo && p.validTo <= p.validFrom) {
      throw DomainError.validation(
        'validTo',
        'VALID_TO_BEFORE_FROM',
        'validTo must be after validFrom',
      );
    }
    if (normalizeTranscript(p.text).length < 2) {
      throw DomainError.validation(
        'text',
        'PASSPHRASE_TOO_SHORT',
        'text must have at least two words',
      );
    }
    const now = this.clock.now();
    const view = await this.uow.run(async (tx) => {
      if (p.districtIds) {
        const unknown = (await tx.query(
          `SELECT x.id FROM unnest($1::uuid[]) AS x(id) LEFT JOIN districts d ON d.id = x.id WHERE d.id IS NULL`,
          [p.districtIds],
        )) as Array<{ id: string }>;
        if (unknown.length > 0) {
          throw DomainError.validation(
            'districtIds',
            'UNKNOWN_DISTRICT',
            `Unknown district id(s): ${unknown.map((u) => u.id).join(', ')}`,
          );
        }
      }
      const [row] = await tx.query(
        `INSERT INTO passphrases (text, language, district_ids, valid_from, valid_to, note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, text, language, district_ids, valid_from, valid_to, note,
                   (valid_from <= $8 AND (valid_to IS NULL OR valid_to > $8)) AS active`,
        [p.text, p.language, p.districtIds, p.validFrom, p.validTo, p.note, actor.userId, now],
      );
      await this.audit.record(tx, {
        actorId: actor.userId,
        action: 'passphrase.create',
        targetType: 'passphrase',
        targetId: row.id,
        ip: actor.ip,
        outcome: 'success',
        details: {
          language: p.language,
          districtIds: p.districtIds,
          validFrom: p.validFrom,
          validTo: p.validTo,
        },
        at: now,
      });
      return toPassphraseView(row);
    });
    // Every instance hears the table's trigger; this one must not wait for it.
    this.cache.invalidate('passphrases');
    return view;
  }
}
