import { locale } from './i18n';

/** 75 → "1:15", 3725 → "1:02:05": a waiting time read at a glance. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // Dispatch centres work in Kazakhstan time whatever the browser's zone.
  return d.toLocaleString(locale(), {
    timeZone: 'Asia/Almaty',
    dateStyle: 'short',
    timeStyle: 'medium',
  });
}

export function timeOfDay(d: Date): string {
  return d.toLocaleTimeString(locale(), { timeZone: 'Asia/Almaty' });
}

export function metres(m: number | null): string {
  if (m === null || m === undefined) return '—';
  return m >= 1000 ? `${(m / 1000).toFixed(1)} km` : `${Math.round(m)} m`;
}

export function number(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return n.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
