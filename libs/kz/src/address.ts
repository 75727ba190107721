/**
 * A comparison key for free-text addresses, so that "ул. Абая, д. 10, кв. 5" and
 * "улица абая 10 квартира 5" are the same place. Not a geocoder: it folds case, ё, punctuation
 * and the usual Russian/Kazakh/English street-type abbreviations, and nothing more.
 */
const WORDS: Array<[RegExp, string]> = [
  [/^(ул|улица|көшесі|көш|street|st|str)$/, 'ул'],
  [/^(пр|пр-т|просп|проспект|даңғылы|даңғ|avenue|ave|av)$/, 'пр'],
  [/^(мкр|мкрн|микрорайон|шағынаудан|ы\.а|microdistrict)$/, 'мкр'],
  [/^(д|дом|үй|house|h)$/, ''],
  [/^(кв|квартира|пәтер|apt|apartment|flat)$/, 'кв'],
  [/^(корп|корпус|к|block|bldg)$/, 'корп'],
  [/^(пер|переулок|тұйық|lane)$/, 'пер'],
  [/^(г|город|қ|қала|city)$/, ''],
];

export function normalizeAddress(text: string): string {
  const tokens = text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/№/g, ' ')
    .replace(/[.,;:!?"'«»()/\\]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map((token) => {
      for (const [pattern, replacement] of WORDS) if (pattern.test(token)) return replacement;
      return token;
    })
    .filter(Boolean);
  // Kazakh puts the street type after the name ("Абая көшесі"): put the first type word first.
  const typeAt = tokens.findIndex((t) => STREET_TYPES.has(t));
  if (typeAt > 0) tokens.unshift(...tokens.splice(typeAt, 1));
  return tokens.join(' ');
}

const STREET_TYPES = new Set(['ул', 'пр', 'мкр', 'пер']);

/** Folds a person's name for matching: case, ё/е, punctuation and spacing. */
export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[.,;:!?"'«»()]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}
