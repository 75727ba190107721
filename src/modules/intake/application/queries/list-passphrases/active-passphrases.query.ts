/** The passphrases in force in a district at a moment (a phrase for all districts has none listed). */
export class ActivePassphrasesQuery {
  constructor(
    readonly districtId: string,
    readonly at: Date,
  ) {}
}
