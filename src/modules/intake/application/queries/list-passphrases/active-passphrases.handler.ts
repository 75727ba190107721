import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { type PassphraseCandidate } from '../../../domain/passphrase-matcher';
import { ActivePassphrasesQuery } from './active-passphrases.query';

@QueryHandler(ActivePassphrasesQuery)
export class ActivePassphrasesHandler implements IQueryHandler<
  ActivePassphrasesQuery,
  PassphraseCandidate[]
> {
  constructor(private readonly uow: UnitOfWork) {}

  execute(q: ActivePassphrasesQuery): Promise<PassphraseCandidate[]> {
    return this.uow.manager().query(
      `SELECT id, text, language FROM passphrases
       WHERE valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)
         AND (district_ids IS NULL OR $1 = ANY(district_ids))
       ORDER BY valid_from DESC, id`,
      [q.districtId, q.at],
    );
  }
}
