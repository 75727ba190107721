/**
 * What the passphrase matcher knows about language, as one versioned table next to the phrases'
 * matcher rather than scattered literals.
 *
 * Why in code and not in the `passphrases` table: the phrases themselves are operational data
 * (districts, validity, new phrases without a release) and stay in the database. These classes
 * and cues are knowledge of Russian, Kazakh and English that every phrase shares; a change to them
 * moves recall and false positives for every district at once, so it must go through review and
 * the recall / false-positive table in passphrase-matcher.spec.ts, like any other code change.
 * Bump `version` with every change; the matcher reports it.
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
        ru: [
          'поступ*',
          'привез*',
          'привоз*',
          'достав*',
          'доставил*',
          'доставл*',
          'пришл*',
          'пришло',
          'придут*',
          'придет*',
          'приход*',
          'получил*',
          'получен*',
          'получат*',
          'завез*',
          'завоз*',
          'подвез*',
          'подвоз*',
          'прибыл*',
          'прибыв*',
          'дошл*',
          'принесл*',
          'принес*',
          'выдал*',
          'выдан*',
          'появил*',
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
