/**
 * Recognises a domestic-violence code phrase ("Have you received the masks and antiseptics?",
 * «Поступили антисептики, маски?») in a dispatcher's speech-to-text transcript. Passphrases are
 * data: they are compiled once in the constructor, `match` only scans the transcript.
 *
 * Design (kept deliberately simple so that a dispatcher can predict it):
 * - Normalisation: NFD and drop combining marks (ё→е, й→и, stress marks), lower case, split on
 *   anything that is not a letter. Latin/Cyrillic look-alikes inside one word are folded to the
 *   word's script (a word with a letter only one script has belongs to that script, otherwise the
 *   majority wins). Kazakh letters are folded to their Russian look/sound-alikes (ә→а, қ→к, і→и…)
 *   because Russian speech-to-text models write Kazakh speech that way.
 * - A phrase keeps its content words: the stop-words of its language are dropped, unless fewer
 *   than two words would remain (then every word counts, so one common word never fires alone).
 * - Stemming happens on the phrase side only: one common ending is stripped (ru, en), or up to
 *   three agglutinated suffixes and then a final vowel (kk); a stem keeps at least 3 letters.
 *   A transcript token matches a stem when it STARTS with it, so any ending the caller used is
 *   accepted without stemming the transcript (маск → маски/маску/масками/маскалар). A Cyrillic
 *   stem ending in two consonants also accepts the fleeting-vowel form (маск → масок).
 * - Typos: a stem of 5+ letters also matches a token whose prefix is within Damerau-Levenshtein
 *   distance 1 of it, as long as the stem's last letter stays matched (otherwise the typo would
 *   just shorten the prefix: поступ must not match постучали). Shorter stems match exactly.
 *   A word split in two by speech-to-text («анти септики») is matched by joining the two tokens
 *   when both parts have at least SPLIT_MIN_PART letters (Kazakh «мас келді» is not «маск»).
 * - A phrase matches when all its content words occur within WINDOW consecutive tokens, in any
 *   order. Score = mean word quality (1 same form, 0.9 other ending, 0.85 a synonym, 0.75 typo or
 *   split word) × (0.9 + 0.1 × share of the phrase's stop-words found next to the match); the
 *   stop-words only separate phrases that share their content words (en-1 / en-2). 1 = the phrase
 *   as written.
 * - Paraphrases (passphrase-matcher.vocabulary.ts): a phrase word in a synonym class (the verb
 *   slot: поступили / привезли / келді / received …) is satisfied by any member of its class.
 *   The code asks the operator whether THEY received the goods, so a match is refused when, in
 *   the same sentence and within CUE_MARGIN tokens, there is shopping or news talk (купить,
 *   продажа, цена, аптека, where, buy …); a first-person word (я, мне, we …) and no second-person
 *   word (вам, вы, сізге, you …); or a first-person word or a person (муж, сестре, he …) right at
 *   a verb of the class. A paraphrase (a synonym was used) must moreover be a question (?, ли,
 *   ма/ме/ба…, did/have … before the words) or speak to the operator; the phrase's own wording
 *   needs neither, as before. A phrase's own words never refuse it.
 */

import { PASSPHRASE_VOCABULARY } from './passphrase-matcher.vocabulary';

export interface PassphraseCandidate {
  id: string;
  text: string;
  language: 'ru' | 'kk' | 'en';
}

export interface PassphraseMatch {
  passphraseId: string;
  /** In (0, 1]; 1 = every word of the phrase found as written. */
  score: number;
}

/** Content words must lie within this many consecutive tokens. */
const WINDOW = 12;
/** Tokens either side of the content words searched for the phrase's stop-words. */
const FUNCTION_MARGIN = 3;
const MIN_STEM = 3;
const FUZZY_MIN_STEM = 5;
const KK_MAX_SUFFIXES = 3;
const SPLIT_MIN_PART = 3;
const Q_SAME_FORM = 1;
const Q_STEM = 0.9;
const Q_SYNONYM = 0.85;
const Q_TYPO = 0.75;
/** Class members this long tolerate a typo; shorter ones (got, кел) must be exact. */
const SYNONYM_FUZZY_MIN = 6;
/** Tokens either side of the matched words searched for shopping cues and second person. */
const CUE_MARGIN = 3;
/** First-person words count only this close before the matched words (1 after). */
const FIRST_PERSON_BEFORE = 2;
const EPSILON = 1e-9;

// Only lower-case pairs: the text is lower-cased first (so Latin H, B, T, M, K also fold).
const LATIN_TO_CYRILLIC = new Map<string, string>([
  ['a', 'а'],
  ['e', 'е'],
  ['o', 'о'],
  ['p', 'р'],
  ['c', 'с'],
  ['x', 'х'],
  ['y', 'у'],
  ['k', 'к'],
  ['m', 'м'],
  ['t', 'т'],
  ['h', 'н'],
  ['b', 'в'],
  ['i', 'і'],
]);
const CYRILLIC_TO_LATIN = new Map<string, string>(
  [...LATIN_TO_CYRILLIC].map(([latin, cyrillic]) => [cyrillic, latin]),
);
const KAZAKH_FOLD = new Map<string, string>([
  ['ә', 'а'],
  ['ғ', 'г'],
  ['қ', 'к'],
  ['ң', 'н'],
  ['ө', 'о'],
  ['ұ', 'у'],
  ['ү', 'у'],
  ['һ', 'х'],
  ['і', 'и'],
  ['є', 'е'],
]);

// Character facts as bit flags. Unicode-property regexes cost ~50 µs per 2,000 characters, so
// the Latin and Cyrillic blocks are looked up in a table built once; other scripts are rare.
const LETTER = 1;
const MARK = 2;
const LATIN = 4;
const CYRILLIC = 8;
const KAZAKH = 16;
const IS_LETTER = /^\p{L}$/u;
const IS_MARK = /^\p{M}$/u;
const TABLE_SIZE = 0x530;

function isCyrillic(code: number): boolean {
  return code >= 0x400 && code < TABLE_SIZE;
}

function charInfo(code: number): number {
  const ch = String.fromCharCode(code);
  if (IS_MARK.test(ch)) return MARK;
  if (!IS_LETTER.test(ch)) return 0;
  if (code < 0x250) return LETTER | LATIN;
  if (isCyrillic(code)) return LETTER | CYRILLIC | (KAZAKH_FOLD.has(ch) ? KAZAKH : 0);
  return LETTER;
}

const CHAR_INFO = new Uint8Array(TABLE_SIZE);
for (let code = 0; code < TABLE_SIZE; code++) CHAR_INFO[code] = charInfo(code);

function removeMarks(token: string): string {
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (!((code < TABLE_SIZE ? CHAR_INFO[code] : charInfo(code)) & MARK)) out += token[i];
  }
  return out;
}

/** One letters-only token, look-alikes folded to its script, optionally Kazakh letters folded. */
function normalizeToken(raw: string, foldKazakh: boolean): string {
  let cyrillic = 0;
  let latin = 0;
  let cyrillicOnly = 0;
  let latinOnly = 0;
  let kazakh = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    const code = raw.charCodeAt(i);
    if (isCyrillic(code)) {
      cyrillic++;
      if (!CYRILLIC_TO_LATIN.has(ch)) cyrillicOnly++;
      if (KAZAKH_FOLD.has(ch)) kazakh = true;
    } else if (code < 0x250) {
      latin++;
      if (!LATIN_TO_CYRILLIC.has(ch)) latinOnly++;
    }
  }
  let token = raw;
  if (cyrillic > 0 && latin > 0) {
    const toCyrillic = cyrillicOnly > 0 !== latinOnly > 0 ? cyrillicOnly > 0 : cyrillic >= latin;
    const map = toCyrillic ? LATIN_TO_CYRILLIC : CYRILLIC_TO_LATIN;
    let folded = '';
    for (const ch of raw) folded += map.get(ch) ?? ch;
    token = folded;
    kazakh = kazakh || token.includes('і');
  }
  return foldKazakh && kazakh ? foldKazakhLetters(token) : token;
}

function foldKazakhLetters(token: string): string {
  let folded = '';
  for (const ch of token) folded += KAZAKH_FOLD.get(ch) ?? ch;
  return folded;
}

/** . ? ! … ; — where speech-to-text put them, cues do not reach across them. */
const QUESTION_MARK = 0x3f;
const SENTENCE_END = new Set([0x2e, QUESTION_MARK, 0x21, 0x2026, 0x3b]);

/** Sentence of each token, and which sentences ended with a question mark. */
interface Sentences {
  of: number[];
  question: boolean[];
}

/** NFD splits ё, й and accented letters into letter + mark; the marks are then dropped. */
function tokenize(text: string, foldKazakh: boolean, sentences?: Sentences): string[] {
  const prepared = text.normalize('NFD').toLowerCase();
  const tokens: string[] = [];
  let start = -1;
  let flags = 0;
  let sentence = 0;
  for (let i = 0; i <= prepared.length; i++) {
    const code = i < prepared.length ? prepared.charCodeAt(i) : 0x20;
    const info = code < TABLE_SIZE ? CHAR_INFO[code] : charInfo(code);
    if (info & LETTER) {
      if (start < 0) {
        start = i;
        flags = 0;
      }
      flags |= info;
    } else if (info & MARK) {
      flags |= MARK; // inside a word it must not split it; outside one it is dropped anyway
    } else {
      if (start >= 0) {
        const raw = prepared.slice(start, i);
        const mixed = (flags & (LATIN | CYRILLIC)) === (LATIN | CYRILLIC);
        // Most words need no rewriting: keep the slice.
        if (!(flags & MARK) && !mixed && !(foldKazakh && flags & KAZAKH)) tokens.push(raw);
        else tokens.push(normalizeToken(removeMarks(raw), foldKazakh));
        sentences?.of.push(sentence);
        start = -1;
      }
      if (sentences && SENTENCE_END.has(code)) {
        if (code === QUESTION_MARK) sentences.question[sentence] = true;
        sentence++;
      }
    }
  }
  return tokens;
}

/** Lower-case letter-only tokens, look-alikes and Kazakh letters folded (see the file comment). */
export function normalizeTranscript(text: string): string[] {
  return tokenize(text, true);
}

// ---- phrase compilation ----------------------------------------------------------------------

/** Endings written naturally, then normalised like the text they are stripped from (ой → ои). */
function endings(list: string[]): string[] {
  const normalized = list.map((e) => tokenize(e, false).join(''));
  return [...new Set(normalized)].sort((a, b) => b.length - a.length);
}

function stopWords(list: string[]): Set<string> {
  return new Set(list.flatMap((w) => normalizeTranscript(w)));
}

const RU_ENDINGS = endings(
  [
    'ами ями ого его ому ему ыми ими ешь ишь ете ите ает яет ают яют ует уют ила ыла ило ыло',
    'или ыли ала яла ало яло али яли ела ело ели ать ять ить еть уть ыть ах ях ам ям ов ев ей ой',
    'ий ый ом ем ым им ых их ую юю ая яя ое ее ые ие ия ию ье ья ью ут ют ат ят ит ет ал ял ил',
    'ыл ел ть ла ло ли а я о е и ы у ю ь й л',
  ]
    .join(' ')
    .split(' '),
);
const RU_REFLEXIVE = ['ся', 'сь'];
const KK_SUFFIXES = endings(
  [
    'лар лер дар дер тар тер ның нің дың дің тың тің дан ден тан тен нан нен ған ген қан кен',
    'мен бен пен ны ні ды ді ты ті ди ти ни ға ге қа ке да де та те ма ме ба бе па пе сы сі',
  ]
    .join(' ')
    .split(' '),
);
const KK_VOWELS = new Set('аеоиыуэюяәөұүі');
const EN_ENDINGS = endings(['ies', 'ied', 'ing', 'ers', 'ed', 'es', 'er', 'ly', 's', 'e', 'y']);
const RU_VOWELS = new Set('аеоиыуэюяь');

const STOP_WORDS: Record<PassphraseCandidate['language'], Set<string>> = {
  en: stopWords(
    (
      'a an the and or any more have has had you your we i me my it is are was were be been do ' +
      'does did yet already some of to for in on at with please hello hi there also still again'
    ).split(' '),
  ),
  ru: stopWords(
    (
      'а и или ли уже вам вас вы ваш у к в во на с со же ещё ну вот да бы то это эти мне мы я ' +
      'они как там тут не пожалуйста здравствуйте алло скажите подскажите'
    ).split(' '),
  ),
  kk: stopWords(
    (
      'мен және да де та те ма ме ба бе па пе сіз сізге сізде біз бізге әлі енді ғой қой ' +
      'сәлеметсіз сәлем'
    ).split(' '),
  ),
};

function stripLongest(word: string, list: string[]): string {
  for (const e of list) {
    if (word.length - e.length >= MIN_STEM && word.endsWith(e)) {
      return word.slice(0, -e.length);
    }
  }
  return word;
}

/** The stem is a prefix shared by the word's forms; over-stemming only widens what matches. */
function stem(word: string, language: PassphraseCandidate['language']): string {
  if (language === 'en') return stripLongest(word, EN_ENDINGS);
  if (language === 'ru') {
    let w = stripLongest(word, RU_REFLEXIVE);
    w = stripLongest(w, RU_ENDINGS);
    return w;
  }
  let w = word;
  for (let i = 0; i < KK_MAX_SUFFIXES; i++) {
    const next = stripLongest(w, KK_SUFFIXES);
    if (next === w) break;
    w = next;
  }
  // Loan words keep their Russian vowel ending (маска) that Russian case forms replace (маски).
  if (w.length > MIN_STEM && KK_VOWELS.has(w[w.length - 1])) w = w.slice(0, -1);
  return w;
}

function isCyrillicConsonant(ch: string): boolean {
  return isCyrillic(ch.charCodeAt(0)) && !RU_VOWELS.has(ch) && ch !== 'ъ';
}

/** маск → масок, масек: the genitive plural inserts a vowel into a final consonant pair. */
function fleetingVowelForms(s: string): string[] {
  if (s.length < MIN_STEM) return [];
  const a = s[s.length - 2];
  const b = s[s.length - 1];
  if (!isCyrillicConsonant(a) || !isCyrillicConsonant(b)) return [];
  const head = s.slice(0, -1);
  return [`${head}о${b}`, `${head}е${b}`];
}

// ---- vocabulary: synonym classes and cues (data in passphrase-matcher.vocabulary.ts) ----------

type Language = PassphraseCandidate['language'];

interface VocabularyEntry {
  /** Normalised like a transcript token (Kazakh letters folded). */
  text: string;
  prefix: boolean;
}

function vocabularyEntry(written: string): VocabularyEntry {
  const prefix = written.endsWith('*');
  const tokens = normalizeTranscript(prefix ? written.slice(0, -1) : written);
  if (tokens.length !== 1) throw new Error(`Vocabulary entry must be one word: ${written}`);
  return { text: tokens[0], prefix };
}

interface SynonymMember {
  /** A prefix of the forms a caller may use (the whole word when `whole`). */
  prefix: string;
  whole: boolean;
  /** Its stem in its language: a phrase word with this stem belongs to the class. */
  stem: string;
}

const SYNONYM_CLASSES: Array<Record<Language, SynonymMember[]>> =
  PASSPHRASE_VOCABULARY.synonymClasses.map((c) => {
    const byLanguage = {} as Record<Language, SynonymMember[]>;
    for (const language of ['ru', 'kk', 'en'] as const) {
      byLanguage[language] = c.members[language].map((written) => {
        const raw = tokenize(written.replace(/\*$/, ''), false)[0];
        return {
          prefix: foldKazakhLetters(raw),
          whole: !written.endsWith('*'),
          stem: foldKazakhLetters(stem(raw, language)),
        };
      });
    }
    return byLanguage;
  });

/** The other members that may stand for a phrase word, or none when it is in no class. */
function synonymsOf(wordStem: string, language: Language): SynonymMember[] {
  for (const members of SYNONYM_CLASSES) {
    if (!members[language].some((m) => m.stem === wordStem)) continue;
    const accepted = PASSPHRASE_VOCABULARY.acceptsMembersOf[language] as readonly Language[];
    // A member starting with the word's own stem adds nothing: the stem already matches it.
    return accepted.flatMap((l) => members[l]).filter((m) => !m.prefix.startsWith(wordStem));
  }
  return [];
}

const CUE_SHOPPING = 1;
const CUE_FIRST = 2;
const CUE_SECOND = 4;
/** A member of a synonym class (any language): "мне привезли" is first person at the verb. */
const CUE_VERB = 8;
/** A person (муж, сестре, he …): next to the verb, a story about people. */
const CUE_PERSON = 16;
/** ли, ма, ме, ба …: a question wherever it stands. */
const CUE_PARTICLE = 32;
/** did, have, are …: a question when it comes before the phrase's words. */
const CUE_AUXILIARY = 64;
const CUE_KIND_BITS = 7;

/** Word → cue kinds, and the shopping cue's index (a phrase's own words do not refuse it). */
class CueIndex {
  private readonly exact = new Map<string, { kinds: number; shop: number }>();
  private readonly prefixes = new Map<
    number,
    Array<VocabularyEntry & { kind: number; shop: number }>
  >();

  constructor() {
    const add = (written: readonly string[], kind: number) =>
      written.forEach((w, i) => {
        const entry = vocabularyEntry(w);
        const shop = kind === CUE_SHOPPING ? i : -1;
        if (entry.prefix) {
          const key = entry.text.charCodeAt(0);
          const list = this.prefixes.get(key) ?? [];
          list.push({ ...entry, kind, shop });
          this.prefixes.set(key, list);
        } else {
          const known = this.exact.get(entry.text);
          if (known) known.kinds |= kind;
          else this.exact.set(entry.text, { kinds: kind, shop });
        }
      });
    add(PASSPHRASE_VOCABULARY.shoppingCues, CUE_SHOPPING);
    add(PASSPHRASE_VOCABULARY.firstPerson, CUE_FIRST);
    add(PASSPHRASE_VOCABULARY.secondPerson, CUE_SECOND);
    add(PASSPHRASE_VOCABULARY.people, CUE_PERSON);
    add(PASSPHRASE_VOCABULARY.questionParticles, CUE_PARTICLE);
    add(PASSPHRASE_VOCABULARY.questionAuxiliaries, CUE_AUXILIARY);
    for (const members of PASSPHRASE_VOCABULARY.synonymClasses) {
      add([...members.members.ru, ...members.members.kk, ...members.members.en], CUE_VERB);
    }
  }

  /** Kinds in the low CUE_KIND_BITS bits, (shopping cue index + 1) above them. */
  classify(token: string): number {
    let kinds = 0;
    let shop = -1;
    const known = this.exact.get(token);
    if (known) {
      kinds |= known.kinds;
      if (known.shop >= 0) shop = known.shop;
    }
    for (const entry of this.prefixes.get(token.charCodeAt(0)) ?? []) {
      if (!token.startsWith(entry.text)) continue;
      kinds |= entry.kind;
      if (entry.shop >= 0 && shop < 0) shop = entry.shop;
    }
    return kinds | ((shop + 1) << CUE_KIND_BITS);
  }
}

const CUES = new CueIndex();

interface WordUse {
  phrase: number;
  word: number;
  /** The phrase's word as written (normalised): a token equal to it is a same-form match. */
  form: string;
  /** The entry is another member of the word's synonym class, not the word's own stem. */
  synonym: boolean;
}

interface StemEntry {
  index: number;
  stem: string;
  fuzzy: boolean;
  /** Only the whole word, not words starting with it (a vocabulary entry without `*`). */
  whole: boolean;
  letters: number;
  uses: WordUse[];
}

/**
 * The set of letters in a word, one bit each (code mod 32: unique for а-я and for a-z). A token
 * within one edit of a stem lacks at most one of the stem's letters: a cheap test that skips
 * most comparisons.
 */
function letterSet(word: string): number {
  let set = 0;
  for (let i = 0; i < word.length; i++) set |= 1 << word.charCodeAt(i);
  return set;
}

/** Where a phrase's words were found, how well, and whether by another member of their class. */
interface Hits {
  pos: number[];
  word: number[];
  quality: number[];
  synonym: boolean[];
}

interface CompiledPhrase {
  id: string;
  wordCount: number;
  functionWords: Set<string>;
  /** Shopping cues the phrase's own words trigger: they do not refuse this phrase. */
  ownCues: Set<number>;
  /** The phrase itself speaks in the first person: first-person words do not refuse it. */
  ownFirstPerson: boolean;
  /** The phrase itself names a person: person words do not refuse it. */
  ownPeople: boolean;
}

type Hit = 0 | 1 | 2;
const NO_HIT: Hit = 0;
const PREFIX_HIT: Hit = 1;
const TYPO_HIT: Hit = 2;

/** Does a[aFrom..] start with b[bFrom..]? (no slicing: this runs per token) */
function startsWithAt(a: string, aFrom: number, b: string, bFrom: number): boolean {
  const n = b.length - bFrom;
  if (a.length - aFrom < n) return false;
  for (let i = 0; i < n; i++) {
    if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false;
  }
  return true;
}

function compareToStem(entry: StemEntry, token: string, next: string | undefined): Hit {
  const s = entry.stem;
  const limit = Math.min(s.length, token.length);
  let i = 0;
  while (i < limit && s.charCodeAt(i) === token.charCodeAt(i)) i++;
  if (i === s.length) return PREFIX_HIT;
  if (
    i === token.length &&
    next !== undefined &&
    token.length >= SPLIT_MIN_PART &&
    s.length - i >= SPLIT_MIN_PART
  ) {
    // «анти септики»: the token is the start of the stem, the next token its rest.
    if (startsWithAt(next, 0, s, i)) return TYPO_HIT;
  }
  if (!entry.fuzzy) return NO_HIT;
  const last = s.length - 1;
  // Substitution or deletion at the stem's last letter would only shorten the prefix.
  if (i < last) {
    if (startsWithAt(token, i + 1, s, i + 1)) return TYPO_HIT; // substitution
    if (startsWithAt(token, i, s, i + 1)) return TYPO_HIT; // letter missing from the token
    if (
      token.charCodeAt(i) === s.charCodeAt(i + 1) &&
      token.charCodeAt(i + 1) === s.charCodeAt(i) &&
      startsWithAt(token, i + 2, s, i + 2)
    ) {
      return TYPO_HIT; // transposition
    }
  }
  if (startsWithAt(token, i + 1, s, i)) return TYPO_HIT; // extra letter in the token
  return NO_HIT;
}

function pairKey(first: number, second: number): number {
  return first * 0x10000 + second;
}

function pushTo(map: Map<number, StemEntry[]>, key: number, entry: StemEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

export class PassphraseMatcher {
  private readonly phrases: CompiledPhrase[] = [];
  private readonly stems: StemEntry[] = [];
  // Candidate stems for a token are looked up by its first letters, so a token is compared only
  // with the few stems it could match. An exact-only stem must be a prefix of the token: its
  // first two letters are the key. A typo-tolerant stem may differ in its first letter, so it is
  // found by its first or second letter equal to the token's first or second letter.
  private readonly exactByPair = new Map<number, StemEntry[]>();
  private readonly exactBySingle = new Map<number, StemEntry[]>();
  private readonly fuzzyByFirst = new Map<number, StemEntry[]>();
  private readonly fuzzyBySecond = new Map<number, StemEntry[]>();

  constructor(passphrases: PassphraseCandidate[]) {
    const stemIndex = new Map<string, StemEntry>();
    for (const candidate of passphrases) {
      const tokens = tokenize(candidate.text, false);
      if (tokens.length === 0) continue;
      const stop = STOP_WORDS[candidate.language];
      const folded = tokens.map(foldKazakhLetters);
      let content = tokens.map((_, i) => i).filter((i) => !stop.has(folded[i]));
      if (content.length < 2) content = tokens.map((_, i) => i);
      const functionWords = new Set(folded.filter((_, i) => !content.includes(i)));
      const phraseIndex = this.phrases.length;
      const seenStems = new Set<string>();
      let wordCount = 0;
      for (const i of content) {
        const s = foldKazakhLetters(stem(tokens[i], candidate.language));
        if (seenStems.has(s)) continue; // the same word twice is one requirement
        seenStems.add(s);
        const word = wordCount++;
        const own: WordUse = { phrase: phraseIndex, word, form: folded[i], synonym: false };
        // Variants inherit the base stem's typo tolerance: масок is as short a word as маски.
        const fuzzy = s.length >= FUZZY_MIN_STEM;
        for (const variant of [s, ...fleetingVowelForms(s)]) {
          this.entryFor(stemIndex, variant, fuzzy).uses.push(own);
        }
        const other: WordUse = { ...own, synonym: true };
        for (const synonym of synonymsOf(s, candidate.language)) {
          const key = synonym.whole ? `${synonym.prefix}$` : synonym.prefix;
          const fuzzy = !synonym.whole && synonym.prefix.length >= SYNONYM_FUZZY_MIN;
          const entry = this.entryFor(stemIndex, key, fuzzy, synonym.whole);
          if (!entry.uses.some((u) => u.phrase === phraseIndex && u.word === word)) {
            entry.uses.push(other);
          }
        }
      }
      const ownCues = new Set<number>();
      let ownFirstPerson = false;
      let ownPeople = false;
      for (const token of folded) {
        const cue = CUES.classify(token);
        if (cue >> CUE_KIND_BITS) ownCues.add((cue >> CUE_KIND_BITS) - 1);
        if (cue & CUE_FIRST) ownFirstPerson = true;
        if (cue & CUE_PERSON) ownPeople = true;
      }
      this.phrases.push({
        id: candidate.id,
        wordCount,
        functionWords,
        ownCues,
        ownFirstPerson,
        ownPeople,
      });
    }
  }

  private entryFor(
    index: Map<string, StemEntry>,
    key: string,
    fuzzy: boolean,
    whole = false,
  ): StemEntry {
    let entry = index.get(key);
    if (entry) return entry;
    const variant = whole ? key.slice(0, -1) : key;
    entry = {
      index: this.stems.length,
      stem: variant,
      fuzzy,
      whole,
      letters: letterSet(variant),
      uses: [],
    };
    index.set(key, entry);
    this.stems.push(entry);
    const [c0, c1] = [variant.charCodeAt(0), variant.charCodeAt(1)];
    if (fuzzy) {
      pushTo(this.fuzzyByFirst, c0, entry);
      pushTo(this.fuzzyBySecond, c1, entry);
    } else if (variant.length > 1) pushTo(this.exactByPair, pairKey(c0, c1), entry);
    else pushTo(this.exactBySingle, c0, entry);
    return entry;
  }

  match(transcript: string): PassphraseMatch | null {
    if (this.phrases.length === 0) return null;
    const sentences: Sentences = { of: [], question: [] };
    const tokens = tokenize(transcript, true, sentences);
    const events: Array<Hits | undefined> = new Array(this.phrases.length);
    const checkedAt = new Int32Array(this.stems.length).fill(-1);
    const letters = new Int32Array(tokens.length + 1);
    for (let pos = 0; pos < tokens.length; pos++) letters[pos] = letterSet(tokens[pos]);

    const visit = (list: StemEntry[] | undefined, pos: number): void => {
      if (!list) return;
      const token = tokens[pos];
      // With the next token's letters too: a word split in two spans both.
      const available = letters[pos] | letters[pos + 1];
      for (const entry of list) {
        const missing = entry.letters & ~available;
        if (missing & (missing - 1)) continue; // two or more of the stem's letters absent
        if (checkedAt[entry.index] === pos) continue;
        checkedAt[entry.index] = pos;
        const hit = compareToStem(entry, token, tokens[pos + 1]);
        if (hit === NO_HIT || (entry.whole && token !== entry.stem)) continue;
        for (const use of entry.uses) {
          const quality =
            hit === TYPO_HIT
              ? Q_TYPO
              : use.synonym
                ? Q_SYNONYM
                : token === use.form
                  ? Q_SAME_FORM
                  : Q_STEM;
          let e = events[use.phrase];
          if (!e) e = events[use.phrase] = { pos: [], word: [], quality: [], synonym: [] };
          e.pos.push(pos);
          e.word.push(use.word);
          e.quality.push(quality);
          e.synonym.push(use.synonym);
        }
      }
    };

    for (let pos = 0; pos < tokens.length; pos++) {
      const token = tokens[pos];
      const first = token.charCodeAt(0);
      const second = token.charCodeAt(1); // NaN for a one-letter token: finds nothing
      if (token.length > 1) visit(this.exactByPair.get(pairKey(first, second)), pos);
      if (this.exactBySingle.size > 0) visit(this.exactBySingle.get(first), pos);
      if (this.fuzzyByFirst.size === 0) continue;
      visit(this.fuzzyByFirst.get(first), pos); // typo after the first letter
      visit(this.fuzzyBySecond.get(second), pos); // first letter substituted
      visit(this.fuzzyBySecond.get(first), pos); // first letter missing or transposed
      visit(this.fuzzyByFirst.get(second), pos); // extra letter in front
    }

    // Cue kinds per token, classified only for tokens next to a complete match (-1: not yet).
    const cues = new Int32Array(tokens.length).fill(-1);
    let best: PassphraseMatch | null = null;
    let bestWords = 0;
    for (let p = 0; p < this.phrases.length; p++) {
      const e = events[p];
      if (!e) continue;
      const phrase = this.phrases[p];
      const score = this.bestWindow(phrase, e, tokens, cues, sentences);
      if (score <= 0) continue;
      if (
        !best ||
        score > best.score + EPSILON ||
        (score > best.score - EPSILON && phrase.wordCount > bestWords)
      ) {
        best = { passphraseId: phrase.id, score };
        bestWords = phrase.wordCount;
      }
    }
    return best;
  }

  /** Best score over windows holding every content word; 0 when there is none. */
  private bestWindow(
    phrase: CompiledPhrase,
    { pos, word, quality, synonym }: Hits,
    tokens: string[],
    cues: Int32Array,
    sentences: Sentences,
  ): number {
    const k = phrase.wordCount;
    const seen = new Uint8Array(k);
    let distinct = 0;
    for (const w of word) {
      if (!seen[w]) {
        seen[w] = 1;
        distinct++;
      }
    }
    if (distinct < k) return 0;

    let best = 0;
    const bestQuality = new Float64Array(k);
    const bestIsSynonym = new Uint8Array(k);
    for (let a = 0; a < pos.length; a++) {
      bestQuality.fill(0);
      bestIsSynonym.fill(0);
      let covered = 0;
      let sum = 0;
      let synonyms = 0;
      for (let b = a; b < pos.length && pos[b] - pos[a] < WINDOW; b++) {
        const w = word[b];
        const q = quality[b];
        if (bestQuality[w] === 0) covered++;
        if (q <= bestQuality[w]) continue;
        sum += q - bestQuality[w];
        bestQuality[w] = q;
        synonyms += Number(synonym[b]) - bestIsSynonym[w];
        bestIsSynonym[w] = Number(synonym[b]);
        // The stop-word factor is at most 1, so only a better content score can win.
        if (covered < k || sum / k <= best + EPSILON) continue;
        const score = (sum / k) * (0.9 + 0.1 * this.functionShare(phrase, tokens, pos[a], pos[b]));
        if (score <= best) continue;
        if (!this.refused(phrase, tokens, cues, sentences, pos[a], pos[b], synonyms > 0)) {
          best = score;
        }
      }
    }
    return Math.min(best, 1);
  }

  /** Shopping or news next to the words, or somebody telling of their own goods. */
  private refused(
    phrase: CompiledPhrase,
    tokens: string[],
    cues: Int32Array,
    sentences: Sentences,
    from: number,
    to: number,
    paraphrased: boolean,
  ): boolean {
    const sentenceOf = sentences.of;
    let firstPerson = false;
    let secondPerson = false;
    // A question mark ends one of the sentences the words lie in.
    let question = false;
    for (let s = sentenceOf[from]; s <= sentenceOf[to]; s++) question ||= !!sentences.question[s];
    let begin = Math.max(0, from - CUE_MARGIN);
    while (sentenceOf[begin] !== sentenceOf[from]) begin++;
    let end = Math.min(tokens.length - 1, to + CUE_MARGIN);
    while (sentenceOf[end] !== sentenceOf[to]) end--;
    for (let i = begin; i <= end; i++) {
      if (cues[i] < 0) cues[i] = CUES.classify(tokens[i]);
      const cue = cues[i];
      const shop = (cue >> CUE_KIND_BITS) - 1;
      if (cue & CUE_SHOPPING && !phrase.ownCues.has(shop)) return true;
      if (cue & CUE_SECOND) secondPerson = true;
      if (cue & CUE_PARTICLE || (cue & CUE_AUXILIARY && i < from)) question = true;
      const first = cue & CUE_FIRST && !phrase.ownFirstPerson;
      if (first && i >= from - FIRST_PERSON_BEFORE && i <= to + 1) firstPerson = true;
      if (!first && !(cue & CUE_PERSON && !phrase.ownPeople)) continue;
      // Right at the verb ("мне привезли", "we got", "муж привёз"): whoever else is addressed.
      for (const j of [i - 1, i + 1]) {
        if (j < begin || j > end) continue;
        if (cues[j] < 0) cues[j] = CUES.classify(tokens[j]);
        if (cues[j] & CUE_VERB) return true;
      }
    }
    if (firstPerson && !secondPerson) return true;
    // The phrase as written is the code itself; said another way, it must still be a question
    // or speak to the operator: "бабушке привезли маски и антисептики" is a story.
    return paraphrased && !secondPerson && !question;
  }

  private functionShare(phrase: CompiledPhrase, tokens: string[], from: number, to: number) {
    const wanted = phrase.functionWords;
    if (wanted.size === 0) return 1;
    const found = new Set<string>();
    const end = Math.min(tokens.length - 1, to + FUNCTION_MARGIN);
    for (let i = Math.max(0, from - FUNCTION_MARGIN); i <= end; i++) {
      if (wanted.has(tokens[i])) found.add(tokens[i]);
    }
    return found.size / wanted.size;
  }
}
