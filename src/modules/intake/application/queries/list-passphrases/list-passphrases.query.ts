export class ListPassphrasesQuery {
  constructor(readonly at: Date) {}
}

export interface PassphraseView {
  id: string;
  text: string;
  language: string;
  districtIds: string[] | null;
  validFrom: string;
  validTo: string | null;
  note: string | null;
  active: boolean;
}
