import { type Actor } from '../../../../../common/roles';

export class CreatePassphraseCommand {
  constructor(
    readonly actor: Actor,
    readonly passphrase: {
      text: string;
      language: 'ru' | 'kk' | 'en';
      districtIds: string[] | null;
      validFrom: Date;
      validTo: Date | null;
      note: string | null;
    },
  ) {}
}
