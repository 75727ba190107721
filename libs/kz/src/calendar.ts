import { KZ_TIME_ZONE, kzLocalDate } from './time';

/**
 * Calendar-day arithmetic in Kazakhstan local time. Legal terms counted in days or months run in
 * local calendar days: a term starts on the day after the event that starts it and ends at 24:00
 * of its last day (the general rule for terms in Kazakh civil and procedural law; the article
 * numbers were not checked here, so the enforcement rule set names the rule as [M]).
 */

const offsetFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: KZ_TIME_ZONE,
  timeZoneName: 'longOffset',
});

/** The zone's offset from UTC in minutes at an instant (Almaty was UTC+6 before 1 March 2024). */
export function kzOffsetMinutes(at: Date): number {
  const name = offsetFormatter.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function parseLocalDate(localDate: string): [number, number, number] {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDate);
  if (!m) throw new RangeError(`not a local date: ${localDate}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function formatUtcDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The instant at which a local calendar day starts (00:00 in Kazakhstan). */
export function kzStartOfDay(localDate: string): Date {
  const [y, m, d] = parseLocalDate(localDate);
  const utcMidnight = Date.UTC(y, m - 1, d);
  // The offset at the local midnight itself; looked up twice to settle a day on which it changed.
  let guess = utcMidnight - kzOffsetMinutes(new Date(utcMidnight)) * 60_000;
  guess = utcMidnight - kzOffsetMinutes(new Date(guess)) * 60_000;
  return new Date(guess);
}

/** A local date plus (or minus) a number of calendar days, across month and year ends. */
export function addLocalDays(localDate: string, days: number): string {
  const [y, m, d] = parseLocalDate(localDate);
  return formatUtcDate(new Date(Date.UTC(y, m - 1, d + days)));
}

/** A local date plus calendar months; a day the target month lacks becomes its last day. */
export function addLocalMonths(localDate: string, months: number): string {
  const [y, m, d] = parseLocalDate(localDate);
  const firstOfTarget = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth() + 1, 0),
  ).getUTCDate();
  return formatUtcDate(
    new Date(
      Date.UTC(firstOfTarget.getUTCFullYear(), firstOfTarget.getUTCMonth(), Math.min(d, lastDay)),
    ),
  );
}

/**
 * The end of a term of `days` calendar days that starts the day after `from`: 24:00 local time of
 * the last day. A 30-day term served on 10 March ends at the start of 10 April.
 */
export function endOfTermInDays(from: Date, days: number): Date {
  return kzStartOfDay(addLocalDays(kzLocalDate(from), days + 1));
}

/**
 * The end of a term of `months` months from `from`: it ends at 24:00 local time on the day with
 * the same number `months` later (the month's last day when it has no such day).
 */
export function endOfTermInMonths(from: Date, months: number): Date {
  return kzStartOfDay(addLocalDays(addLocalMonths(kzLocalDate(from), months), 1));
}
