import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@app/persistence';
import { ListPassphrasesQuery, type PassphraseView } from './list-passphrases.query';

export const toPassphraseView = (r: {
  id: string;
  text: string;
  language: string;
  district_ids: string[] | null;
  valid_from: Date;
  valid_to: Date | null;
  note: string | null;
  active: boolean;
}): PassphraseView => ({
  id: r.id,
  text: r.text,
  language: r.language,
  districtIds: r.district_ids,
  validFrom: r.valid_from.toISOString(),
  validTo: r.valid_to?.toISOString() ?? null,
  note: r.note,
  active: r.active,
});

@QueryHandler(ListPassphrasesQuery)
export class ListPassphrasesHandler implements IQueryHandler<
  ListPassphrasesQuery,
  PassphraseView[]
> {
  constructor(private readonly uow: UnitOfWork) {}

  async execute(q: ListPassphrasesQuery): Promise<PassphraseView[]> {
    const rows = await this.uow.manager().query(
      `SELECT id, text, language, district_ids, valid_from, valid_to, note,
              (valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)) AS active
       FROM passphrases ORDER BY valid_from DESC, created_at DESC`,
      [q.at],
    );
    return rows.map(toPassphraseView);
  }
}
