/** All of Kazakhstan has used one zone, UTC+5, since 1 March 2024 (Asia/Almaty in current tz data). */
export const KZ_TIME_ZONE = 'Asia/Almaty';

const dateFormatter = new Intl.DateTimeFormat('en-CA', {
  timeZone: KZ_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The local calendar date (YYYY-MM-DD) in Kazakhstan of an instant. */
export function kzLocalDate(at: Date): string {
  return dateFormatter.format(at);
}
