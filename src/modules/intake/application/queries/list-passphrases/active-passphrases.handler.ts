import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { ReferenceCache } from '../../../../policy/application/reference-cache';
import { type PassphraseCandidate } from '../../../domain/passphrase-matcher';
import { ActivePassphrasesQuery } from './active-passphrases.query';

/** From the in-process cache (refreshed on every instance when passphrases are written). */
@QueryHandler(ActivePassphrasesQuery)
export class ActivePassphrasesHandler implements IQueryHandler<
  ActivePassphrasesQuery,
  PassphraseCandidate[]
> {
  constructor(
    private readonly cache: ReferenceCache,
    private readonly uow: UnitOfWork,
  ) {}

  /** Same rows and order as `valid_from <= at AND (valid_to IS NULL OR valid_to > at)`, newest first. */
  async execute(q: ActivePassphrasesQuery): Promise<PassphraseCandidate[]> {
    return (await this.cache.passphrases(this.uow.manager()))
      .filter(
        (p) =>
          p.validFrom <= q.at &&
          (p.validTo === null || p.validTo > q.at) &&
          (p.districtIds === null || p.districtIds.includes(q.districtId)),
      )
      .map((p) => ({
        id: p.id,
        text: p.text,
        language: p.language as PassphraseCandidate['language'],
      }));
  }
}
