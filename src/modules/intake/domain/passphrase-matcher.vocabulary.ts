/**
 * What the passphrase matcher knows about language, as one versioned table next to the phrases'
 * matcher rather than scattered literals.
 *
 * Why in code and not in the `passphrases` table: the phrases themselves are operational data
 * (districts, validity, new phrases without a release) and stay in the database. These classes
 * and cues are knowledge of Russian, Kazakh and English that every phrase shares; a change to them
 * moves recall and false positives for every district at once, so it must go through review and
 * the recall / false-positive table in passphrase-matcher.spec.ts, like any other code change.
 * Bump `version` with every change, so that a recorded decision can name the table it used.
 *
 * Entries are written as spoken; the matcher normalises them like a transcript (lower case,
 * ё→е, Kazakh letters folded: ә→а, і→и, ң→н …). `word*` means "any word starting with word",
 * `word` means that word only.
 */
export const PASSPHRASE_VOCABULARY = {
  version: '2026-11.1',

  /**
   * A phrase word that belongs to a class (its stem is the stem of a member of the phrase's
   * language) is satisfied by any member of that class, in any order, with a slightly lower score
   * than the word as written. Members are prefixes of the forms a caller may use. Kazakh phrases
   * also accept the Russian members: callers switch to Russian verbs mid-sentence.
   */
  synonymClasses: [
    {
      name: 'received',
      members: {
        // Plural, impersonal and passive forms: the goods arrived, or "they" brought them. The
        // singular past (привёз, получил, пришёл) has a person as its subject: муж привёз …
        ru: [
          'поступ*',
          'привезли*',
          'привезут*',
          'привезен*',
          'привезти*',
          'привозили*',
          'доставили*',
          'доставлен*',
          'доставят*',
          'пришли*',
          'пришло',
          'придут*',
          'приходили*',
          'получили*',
          'получали*',
          'получен*',
          'получат*',
          'завезли*',
          'завезут*',
          'завозили*',
          'подвезли*',
          'подвезут*',
          'подвозили*',
          'прибыли*',
          'прибыло',
          'дошли*',
          'дошло',
          'принесли*',
          'принесут*',
          'выдали*',
          'выдан*',
          'появились*',
          'появилось',
        ],
        kk: [
          'келді*',
          'келген*',
          'келеді*',
          'келмеді*',
          'әкел*',
          'жеткіз*',
          'жеткізіл*',
          'жетті*',
          'түсті*',
          'алдыңыз*',
          'алдыңдар*',
          'қабылда*',
        ],
        en: [
          'receiv*',
          'deliver*',
          'brought*',
          'bring*',
          'arriv*',
          'got*',
          'get*',
          'came*',
          'come*',
        ],
      },
    },
  ],

  /** Which languages' class members a phrase of a language accepts. */
  acceptsMembersOf: { ru: ['ru'], kk: ['kk', 'ru'], en: ['en'] },

  /**
   * Shopping, prices, shops and news near the phrase's words: the coded question asks the operator
   * whether THEY received the goods; these ask where to buy, what it costs, or report that a shop,
   * a hospital or a school got them. A phrase that itself contains one of these words is not
   * refused because of it (a district may choose such a phrase).
   */
  shoppingCues: [
    // ru
    'купи*',
    'купл*',
    'покуп*',
    'прода*',
    'цена',
    'цены',
    'цену',
    'ценам',
    'ценах',
    'цене',
    'ценой',
    'стоит',
    'стоят',
    'стоимост*',
    'почем',
    'аптек*',
    'магазин*',
    'наличи*',
    'скидк*',
    'акци*',
    'курьер*',
    'закончил*',
    'кончил*',
    'заказ*',
    'оптом',
    'склад*',
    'тенге',
    'рубл*',
    'прибыль*',
    'пришлит*',
    'где',
    'больниц*',
    'поликлиник*',
    'школ*',
    'новост*',
    'каспи',
    // kk
    'сатып',
    'сату*',
    'сатыл*',
    'сатас*',
    'баға*',
    'бағас*',
    'қайдан',
    'қайда',
    'дәріхана*',
    'дүкен*',
    'теңге',
    'тапсырыс*',
    'мектеп*',
    'қойма*',
    'аурухана*',
    // en
    'buy*',
    'bought',
    'sell*',
    'sold',
    'sale*',
    'price*',
    'cost*',
    'cheap*',
    'store*',
    'shop*',
    'pharmac*',
    'where',
    'order*',
    'stock*',
    'discount*',
    'pay*',
    'courier*',
    'warehouse*',
    'online',
    'amazon',
    'hospital*',
    'school*',
    'news',
    'kaspi',
  ],

  /**
   * Somebody telling that THEY received the goods ("я получила маски", "we got masks") is not the
   * coded question. A first-person word right before or after a word of a synonym class refuses
   * the match ("мне привезли", "we got", "пришли мне"); one a little further away refuses it unless
   * a second-person word (asking the operator) is near as well. Kazakh marks the person on the
   * noun too: күйеуім, "my husband".
   */
  firstPerson: [
    'я',
    'мне',
    'меня',
    'мы',
    'нам',
    'нас',
    'мой',
    'моя',
    'мои',
    'моих',
    'наш',
    'наша',
    'наши',
    'нашу',
    'маған',
    'менде',
    'біз',
    'бізге',
    'бізде',
    'менің',
    'күйеуім',
    'i',
    'me',
    'my',
    'we',
    'us',
    'our',
    'mine',
  ],
  /**
   * A person right before or after a word of a synonym class did the bringing or got the goods
   * ("муж привёз", "сестре привезли", "he came in"): a story about people, not the code, which
   * names nobody but the operator.
   */
  people: [
    'он',
    'она',
    'муж*',
    'жена',
    'жене',
    'сосед*',
    'сестр*',
    'брат*',
    'мама',
    'маме',
    'мамы',
    'папа',
    'папе',
    'сын',
    'сыну',
    'дочь',
    'дочке',
    'дочери',
    'күйеу*',
    'әйел*',
    'көрші*',
    'апа*',
    'әпке*',
    'he',
    'she',
    'husband*',
    'wife',
    'neighbo*',
    'sister*',
    'brother*',
    'mom',
    'mum',
    'mother*',
    'father*',
    'dad',
    'son',
    'daughter*',
  ],
  /**
   * A paraphrase (a synonym stood in for a phrase word) must still be a question or speak to the
   * operator: a question mark, one of these particles near the words, one of these auxiliaries
   * before them ("did you get …", "have the masks arrived"), or a second-person word.
   */
  questionParticles: ['ли', 'ма', 'ме', 'ба', 'бе', 'па', 'пе', 'ше'],
  questionAuxiliaries: [
    'did',
    'do',
    'does',
    'have',
    'has',
    'had',
    'were',
    'was',
    'are',
    'is',
    'will',
    'would',
    'could',
    'can',
  ],
  secondPerson: [
    'вам',
    'вас',
    'вы',
    'ваш*',
    'сізге',
    'сіз',
    'сізде',
    'сіздер*',
    'сен',
    'саған',
    'сендер*',
    'you',
    'your*',
    'yall',
  ],
} as const;
