// Times PassphraseMatcher.match on a 2,000-character Russian transcript, with and without the
// code phrase. Run: npx nest build && node bench/passphrase-match.mjs
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
// The build emits CommonJS (package.json has no "type": "module").
const { PassphraseMatcher } = require('../dist/src/modules/intake/domain/passphrase-matcher.js');

const PHRASES = [
  { id: 'en-1', text: 'Have you received the masks and antiseptics?', language: 'en' },
  { id: 'en-2', text: 'Have you received any more masks or antiseptics?', language: 'en' },
  { id: 'ru-1', text: 'Поступили антисептики, маски?', language: 'ru' },
  { id: 'kk-1', text: 'Маска мен антисептик келді ме?', language: 'kk' },
];
// ~20 active phrases, as the brief assumes: the seeds plus regional variants.
const EXTRA = [
  ['ru', 'Вам маски и антисептики уже привезли?'],
  ['ru', 'Можно заказать пиццу на адрес?'],
  ['ru', 'Скажите, перчатки и бахилы есть в наличии?'],
  ['ru', 'Когда поступят медицинские маски в аптеку?'],
  ['ru', 'У вас остались защитные маски и салфетки?'],
  ['ru', 'Мне нужна доставка лекарств на дом'],
  ['kk', 'Маскалар мен антисептиктер бар ма?'],
  ['kk', 'Пицца тапсырыс беруге бола ма?'],
  ['kk', 'Дәрі-дәрмек үйге жеткізіледі ме?'],
  ['kk', 'Қолғап пен бетперде келді ме?'],
  ['en', 'Can I order a pizza to my address?'],
  ['en', 'Do you still have gloves and sanitizer?'],
  ['en', 'Is the pharmacy delivering medicine today?'],
  ['en', 'Have the face shields arrived yet?'],
  ['en', 'Could you send more bandages and wipes?'],
  ['ru', 'Антисептики для рук и маски поступили в продажу?'],
];
EXTRA.forEach(([language, text], i) => PHRASES.push({ id: `x-${i}`, text, language }));

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

function transcript(middle) {
  const half = [];
  for (let i = 0; half.join(' ').length < 1000; i++) half.push(FILLER[i % FILLER.length]);
  return `${half.join(' ')} ${middle} ${[...half].reverse().join(' ')}`.slice(0, 2000);
}

const WITH = transcript('Здравствуйте, а вам маски и антисептики уже поступили?');
const WITHOUT = transcript('Извините, я очень волнуюсь, подождите, пожалуйста, минуту.');

const matcher = new PassphraseMatcher(PHRASES);
const withResult = matcher.match(WITH);
const withoutResult = matcher.match(WITHOUT);
if (withResult?.passphraseId !== 'ru-1' || withoutResult !== null) {
  throw new Error(`unexpected results: ${JSON.stringify({ withResult, withoutResult })}`);
}

const print = (line) => process.stdout.write(`${line}\n`);

const BATCH = 100;
const BATCHES = 100; // 10,000 matches per transcript

function time(text) {
  let sink = 0; // keeps the calls from being optimised away
  for (let i = 0; i < 2000; i++) sink += matcher.match(text) ? 1 : 0; // warm-up
  const perMatch = [];
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < BATCH; i++) sink += matcher.match(text) ? 1 : 0;
    perMatch.push(Number(process.hrtime.bigint() - start) / 1000 / BATCH);
  }
  perMatch.sort((a, b) => a - b);
  const at = (q) => perMatch[Math.min(perMatch.length - 1, Math.ceil(q * perMatch.length) - 1)];
  return { median: at(0.5), p99: at(0.99), sink };
}

print(`node ${process.version}, ${PHRASES.length} phrases, ${BATCHES} batches x ${BATCH} matches`);
for (const [name, text] of [
  ['with phrase   ', WITH],
  ['without phrase', WITHOUT],
]) {
  const { median, p99 } = time(text);
  print(
    `${name} (${text.length} chars): median ${median.toFixed(1)} µs/match, ` +
      `p99 ${p99.toFixed(1)} µs/match (per-batch means)`,
  );
}
