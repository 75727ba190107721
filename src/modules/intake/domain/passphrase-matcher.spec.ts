import {
  normalizeTranscript,
  PassphraseMatcher,
  type PassphraseCandidate,
} from './passphrase-matcher';

const EN_1: PassphraseCandidate = {
  id: 'en-1',
  text: 'Have you received the masks and antiseptics?',
  language: 'en',
};
const EN_2: PassphraseCandidate = {
  id: 'en-2',
  text: 'Have you received any more masks or antiseptics?',
  language: 'en',
};
const RU_1: PassphraseCandidate = {
  id: 'ru-1',
  text: 'Поступили антисептики, маски?',
  language: 'ru',
};
const KK_1: PassphraseCandidate = {
  id: 'kk-1',
  text: 'Маска мен антисептик келді ме?',
  language: 'kk',
};
const ALL = [EN_1, EN_2, RU_1, KK_1];

/** ~2,000 characters of an ordinary call, with the code words scattered far apart. */
const FILLER = [
  'Алло, это полиция? Да, слушаю вас, говорите, что случилось.',
  'Я живу на улице Абая, дом двенадцать, квартира сорок, третий подъезд.',
  'Соседи опять шумят, у них громко играет музыка уже третий час подряд.',
  'Нет, я не знаю, как их зовут, они недавно переехали к нам в дом.',
  'Маски я покупала в аптеке на углу, там всегда большая очередь из пенсионеров.',
  'Участковый приходил на прошлой неделе, но дверь ему никто не открыл.',
  'Дети не могут уснуть, завтра им рано вставать в школу, понимаете?',
  'Антисептики у нас дома закончились давно, но это сейчас неважно.',
  'Мне кажется, там кто-то кричал, и потом что-то упало на пол.',
  'Жалобы на них поступили и от других соседей, с пятого этажа тоже.',
];
function longTranscript(middle: string): string {
  const half: string[] = [];
  for (let i = 0; half.join(' ').length < 1000; i++) half.push(FILLER[i % FILLER.length]);
  return `${half.join(' ')} ${middle} ${half.reverse().join(' ')}`;
}
const LONG_WITH_PHRASE = longTranscript('А вам маски и антисептики уже поступили?');
const LONG_WITHOUT_PHRASE = longTranscript('Извините, я очень волнуюсь, подождите минуту.');

/** [what it covers, transcript, expected passphrase id] */
const POSITIVES: Array<[string, string, string]> = [
  // ru-1
  ['ru: seed phrase as written', 'Поступили антисептики, маски?', 'ru-1'],
  [
    'ru: words before and between',
    'Здравствуйте, а вам маски и антисептики уже поступили?',
    'ru-1',
  ],
  ['ru: lower case, no punctuation', 'поступили антисептики маски', 'ru-1'],
  ['ru: upper case', 'ПОСТУПИЛИ АНТИСЕПТИКИ, МАСКИ?', 'ru-1'],
  ['ru: order changed', 'Маски, антисептики поступили?', 'ru-1'],
  ['ru: verb last', 'антисептики и маски к вам поступили', 'ru-1'],
  ['ru: genitive plural масок, поступало', 'Масок и антисептиков не поступало?', 'ru-1'],
  ['ru: singular маску, антисептик', 'А маску и антисептик вам уже поступили?', 'ru-1'],
  ['ru: past masculine поступал', 'Поступал ли к вам антисептик и маски?', 'ru-1'],
  ['ru: future поступят', 'Поступят ли маски и антисептики?', 'ru-1'],
  ['ru: instrumental case', 'Что с масками и антисептиками, поступили?', 'ru-1'],
  [
    'ru: hesitant speech, words 8 tokens apart',
    'Алло, алло... скажите, пожалуйста, а вот маски, ну и антисептики, они к вам уже поступили или нет?',
    'ru-1',
  ],
  ['ru: typo а for о (akanye)', 'Паступили антисептики, маски?', 'ru-1'],
  ['ru: typo е for и', 'Поступили антисептеки, маски?', 'ru-1'],
  ['ru: letter dropped', 'Поступили антисептки, маски?', 'ru-1'],
  ['ru: letters transposed', 'Поступили антиспетики, маски?', 'ru-1'],
  ['ru: letter doubled', 'Посттупили антисептики, маски?', 'ru-1'],
  ['ru: Latin look-alikes inside Cyrillic words', 'Пoступили aнтиceптики, мacки?', 'ru-1'],
  ['ru: Latin capitals H T K M C', 'ПOCTУПИЛИ AHTИCEПTИKИ, MACKИ', 'ru-1'],
  ['ru: ё written for е', 'А ещё поступили антисёптики, маски?', 'ru-1'],
  ['ru: stress marks', 'Поступи́ли антисе́птики, ма́ски?', 'ru-1'],
  ['ru: word split by speech-to-text', 'Поступили анти септики, маски?', 'ru-1'],
  ['ru: hyphenated', 'Поступили антисептики-маски?', 'ru-1'],
  ['ru: digits and noise', '[00:12] 102: ...поступили?! антисептики (2 шт), маски...', 'ru-1'],
  ['ru: Kazakh greeting before', 'Сәлеметсіз бе, маски и антисептики поступили?', 'ru-1'],
  ['ru: newlines and tabs', 'поступили\nантисептики\tмаски', 'ru-1'],
  ['ru: phrase inside a 2,000-character transcript', LONG_WITH_PHRASE, 'ru-1'],
  // en-1 / en-2: same content words, told apart by their other words
  ['en: en-1 as written', 'Have you received the masks and antiseptics?', 'en-1'],
  ['en: en-2 as written', 'Have you received any more masks or antiseptics?', 'en-2'],
  ['en: upper case', 'HAVE YOU RECEIVED THE MASKS AND ANTISEPTICS', 'en-1'],
  [
    'en: filler words',
    'hi um have you uh received the the masks and and antiseptics please',
    'en-1',
  ],
  ['en: order changed, receive', 'Did you receive the antiseptics and masks?', 'en-1'],
  ['en: typo recieved', 'Have you recieved any more masks or antiseptics?', 'en-2'],
  ['en: singular mask, antiseptic', 'have you received any more mask or antiseptic', 'en-2'],
  ['en: order changed', 'Any more antiseptics or masks, have you received them?', 'en-2'],
  [
    'en: Cyrillic look-alikes inside English words',
    'Have yоu rеceived the mаsks and antiseptics?',
    'en-1',
  ],
  ['en: letter dropped', 'Have you received the masks and antiseptcs?', 'en-1'],
  ['en: word split by speech-to-text', 'have you received the masks and anti septics', 'en-1'],
  [
    'en: only the content words (tie goes to the first phrase)',
    'received masks antiseptics',
    'en-1',
  ],
  ['en: receiving', 'Are you receiving any more masks or antiseptics?', 'en-2'],
  [
    'en: inside a longer call',
    'Hello, yes, sorry to bother you, I wanted to ask, have you received the masks and antiseptics yet? Thank you.',
    'en-1',
  ],
  // kk-1
  ['kk: seed phrase as written', 'Маска мен антисептик келді ме?', 'kk-1'],
  ['kk: plural -лар/-тер, greeting', 'Сәлеметсіз бе, маскалар мен антисептиктер келді ме?', 'kk-1'],
  ['kk: Latin i for і', 'Маска мен антисептик келдi ме?', 'kk-1'],
  ['kk: order changed', 'Антисептик пен маска келді ме?', 'kk-1'],
  ['kk: possessive endings', 'Маскаларыңыз бен антисептиктеріңіз келді ме?', 'kk-1'],
  ['kk: participle келген', 'Маска, антисептик келген бе?', 'kk-1'],
  ['kk: typed with Russian letters', 'маска мен антисептик келди ме', 'kk-1'],
  ['kk: Latin look-alikes', 'Мaскa мeн aнтисeптик кeлдi мe?', 'kk-1'],
  ['kk: Russian case forms inside Kazakh', 'Маски мен антисептики келді ме?', 'kk-1'],
  ['kk: question particle glued on', 'Маска мен антисептик келдіме?', 'kk-1'],
  ['kk: letter dropped', 'Маска мен антисептк келді ме?', 'kk-1'],
  ['kk: upper case', 'МАСКА МЕН АНТИСЕПТИК КЕЛДІ МЕ', 'kk-1'],
];

/** [what it covers, transcript]: none of these may match any of the four phrases. */
const NEGATIVES: Array<[string, string]> = [
  ['ru: masks run out', 'У меня закончились маски'],
  ['ru: where to buy masks', 'Где купить маски?'],
  ['ru: face masks at the pharmacy', 'Маски для лица в аптеке'],
  ['ru: buy hand antiseptic', 'Антисептик для рук купить'],
  ['ru: masks and antiseptics, no verb', 'Маски и антисептики в аптеке есть?'],
  ['ru: only masks arrived', 'Поступили маски?'],
  ['ru: only antiseptics arrived', 'Поступили антисептики?'],
  ['ru: complaints arrived', 'Поступили жалобы на соседей'],
  ['ru: a call came in', 'К нам поступил вызов по адресу Абая 10'],
  ['ru: каски is not маски (short word, exact)', 'Поступили антисептики, каски?'],
  ['ru: миски is not маски', 'Поступили антисептики, миски?'],
  ['ru: антибиотики is not антисептики', 'Поступили антибиотики, маски?'],
  ['ru: постучали is not поступили', 'Постучали соседи, маски и антисептики у нас есть'],
  ['ru: вступили is not поступили', 'Вступили в силу правила ношения масок и антисептиков'],
  [
    'ru: all words, but 18 tokens apart',
    'Маски я купила ещё на прошлой неделе в аптеке возле дома, там была большая очередь из ' +
      'пенсионеров, а антисептики к нам поступили только вчера',
  ],
  ['ru: маскарад, no antiseptic', 'Маскарад поступил в продажу'],
  ['ru: report without the code', 'Мой муж пьяный, он меня бьёт, приезжайте срочно'],
  [
    'ru: pharmacy news with a different drug',
    'В аптеку поступили новые антибиотики и маски для сна',
  ],
  ['ru: поступить, masks', 'Хочу поступить в университет, маски надоели'],
  ['ru: 2,000-character call with the words far apart', LONG_WITHOUT_PHRASE],
  ['empty transcript', ''],
  ['whitespace and punctuation', '  ?!… — \n\t'],
  ['digits only', '102 102 102'],
  ['en: where can I buy masks', 'Where can I buy masks?'],
  ['en: antiseptics only', 'I need antiseptics for my hands'],
  ['en: received only', 'Have you received my message?'],
  ['en: masks and antiseptics, no verb', 'Masks and antiseptics are sold out everywhere'],
  ['en: masks only', 'Have you received the masks?'],
  ['en: antiseptics only, with verb', 'Have you received the antiseptics?'],
  ['en: tasks and antibiotics', 'Have you received the tasks and antibiotics?'],
  ['en: maps is not masks', 'Have you received the maps and antiseptics?'],
  ['en: reserved is not received (two edits)', 'Have you reserved the masks and antiseptics?'],
  [
    'en: all words, but 21 tokens apart',
    'I received a call from my sister yesterday evening and she said that the pharmacy near ' +
      'her house has no masks and antiseptics',
  ],
  ['en: masked, no antiseptic', 'The man was masked, he received nothing'],
  ['en: buy masks and wipes', 'Where can I buy face masks and antiseptic wipes?'],
  ['kk: where to buy a mask', 'Маска қайдан сатып алуға болады?'],
  ['kk: antiseptic at the pharmacy', 'Антисептик дәріханада бар ма?'],
  ['kk: wear a mask', 'Маска киіп жүріңіз'],
  ['kk: guests came', 'Қонақтар келді'],
  ['kk: mask came, no antiseptic', 'Маска келді ме?'],
  ['kk: bought mask and antiseptic', 'Антисептик пен маска сатып алдым'],
  ['kk: mask and antiseptic, no verb', 'Маска мен антисептик'],
  ['kk: report without the code', 'Күйеуім мас, келіп ұрып жатыр'],
  ['kk: мас келді is not маска келді', 'Күйеуім мас келді, антисептикті ішіп қойды'],
];

describe('normalizeTranscript', () => {
  it.each<[string, string, string[]]>([
    [
      'punctuation and case',
      'Поступили антисептики, МАСКИ?',
      ['поступили', 'антисептики', 'маски'],
    ],
    ['ё and hyphen', 'Ёлки-палки', ['елки', 'палки']],
    ['stress marks', 'ма́ски', ['маски']],
    ['Latin look-alikes in a Cyrillic word', 'мacки', ['маски']],
    ['Latin capitals in a Cyrillic word', 'MACKИ', ['маски']],
    ['Cyrillic look-alikes in a Latin word', 'Hаve yоu', ['have', 'you']],
    ['all look-alikes: the majority wins', 'мaскa', ['маска']],
    ['Kazakh letters folded', 'Сәлеметсіз бе, қазақ', ['салеметсиз', 'бе', 'казак']],
    ['Latin i in a Kazakh word', 'келдi', ['келди']],
    ['digits and symbols split words', 'маски19 и 102!', ['маски', 'и']],
    ['apostrophe splits', "don't", ['don', 't']],
    ['empty', '', []],
    ['nothing but noise', '  ?!… 102 — ', []],
  ])('%s', (_what, text, tokens) => {
    expect(normalizeTranscript(text)).toEqual(tokens);
  });
});

describe('PassphraseMatcher', () => {
  const matcher = new PassphraseMatcher(ALL);

  it.each(POSITIVES)('matches %s', (_what, transcript, id) => {
    const match = matcher.match(transcript);
    expect(match?.passphraseId).toBe(id);
    expect(match!.score).toBeGreaterThan(0);
    expect(match!.score).toBeLessThanOrEqual(1);
  });

  it.each(NEGATIVES)('does not match %s', (_what, transcript) => {
    expect(matcher.match(transcript)).toBeNull();
  });

  it('never matches with no active passphrase', () => {
    const empty = new PassphraseMatcher([]);
    expect(empty.match('Поступили антисептики, маски?')).toBeNull();
    expect(empty.match('Have you received the masks and antiseptics?')).toBeNull();
  });

  it('ignores a passphrase with no words at all', () => {
    const m = new PassphraseMatcher([{ id: 'noise', text: '?! 102', language: 'ru' }, RU_1]);
    expect(m.match('?! 102')).toBeNull();
    expect(m.match('Поступили антисептики, маски?')?.passphraseId).toBe('ru-1');
  });

  it.each([
    ['ru-1 first', [RU_1, EN_1]],
    ['en-1 first', [EN_1, RU_1]],
  ])('picks the phrase that was said when two are active (%s)', (_order, phrases) => {
    const m = new PassphraseMatcher(phrases);
    expect(m.match('а вам маски и антисептики поступили?')?.passphraseId).toBe('ru-1');
    expect(m.match('have you received the masks and antiseptics')?.passphraseId).toBe('en-1');
    expect(m.match('Маска мен антисептик келді ме?')).toBeNull();
  });

  it('tells en-1 and en-2 apart by their stop-words, whichever is listed first', () => {
    const m = new PassphraseMatcher([EN_2, EN_1]);
    expect(m.match('Have you received the masks and antiseptics?')?.passphraseId).toBe('en-1');
    expect(m.match('Have you received any more masks or antiseptics?')?.passphraseId).toBe('en-2');
  });

  it('scores the phrase as written 1, other endings lower, typos lower still', () => {
    const exact = matcher.match('Поступили антисептики, маски?')!.score;
    const endings = matcher.match('Поступило антисептиков, масок?')!.score;
    const typo = matcher.match('Паступило антисептиков, масок?')!.score;
    expect(exact).toBe(1);
    expect(endings).toBeLessThan(exact);
    expect(typo).toBeLessThan(endings);
  });

  it('treats passphrases as data', () => {
    const m = new PassphraseMatcher([
      { id: 'pizza', text: 'Можно заказать пиццу на адрес?', language: 'ru' },
    ]);
    expect(m.match('Здравствуйте, можно заказать пиццу? Адрес: Абая, десять')?.passphraseId).toBe(
      'pizza',
    );
    expect(m.match('Поступили антисептики, маски?')).toBeNull();
    expect(m.match('Можно заказать пиццу?')).toBeNull();
  });

  it('requires every word of a phrase made only of stop-words', () => {
    const m = new PassphraseMatcher([{ id: 'short', text: 'А вам?', language: 'ru' }]);
    expect(m.match('а вам')?.passphraseId).toBe('short');
    expect(m.match('а')).toBeNull();
  });

  it('keeps the tables large enough and covering every phrase', () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(40);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(POSITIVES.map(([, , id]) => id))).toEqual(
      new Set(ALL.map((phrase) => phrase.id)),
    );
    expect(LONG_WITH_PHRASE.length).toBeGreaterThanOrEqual(2000);
    expect(LONG_WITHOUT_PHRASE.length).toBeGreaterThanOrEqual(2000);
  });

  it('has 100% recall and no false positive on the tables (the tables are the contract)', () => {
    const missed = POSITIVES.filter(([, t, id]) => matcher.match(t)?.passphraseId !== id);
    const falsePositives = NEGATIVES.filter(([, t]) => matcher.match(t) !== null);
    const recall = (POSITIVES.length - missed.length) / POSITIVES.length;
    expect({ recall, missed: missed.map(([what]) => what) }).toEqual({ recall: 1, missed: [] });
    expect(falsePositives.map(([what]) => what)).toEqual([]);
  });
});
