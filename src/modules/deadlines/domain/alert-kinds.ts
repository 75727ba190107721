import { type Role } from '../../../common/roles';

export const ALERT_KINDS = [
  'coded_call_unassigned',
  'arrival_overdue',
  'order_not_served',
  'order_expiring',
  'order_expired',
  'check_in_due',
  'check_in_missed',
  'arrest_release_upcoming',
  'offender_released',
  'report_unprocessed',
  'alert_unacknowledged',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** The event-store stream type of an alert (AlertRaised, AlertAcknowledged). */
export const ALERT_STREAM = 'alert';

/** Who must act on each kind of alert (and so whose inbox shows it); prosecutors read them all. */
export const AUDIENCE: Record<AlertKind, Role[]> = {
  coded_call_unassigned: ['dispatcher', 'supervisor'],
  arrival_overdue: ['dispatcher', 'supervisor'],
  order_not_served: ['inspector', 'supervisor'],
  order_expiring: ['inspector'],
  order_expired: ['inspector'],
  check_in_due: ['inspector'],
  check_in_missed: ['inspector', 'supervisor'],
  arrest_release_upcoming: ['inspector'],
  offender_released: ['inspector'],
  report_unprocessed: ['supervisor'],
  alert_unacknowledged: ['supervisor'],
};

/** Kinds whose alert, left unacknowledged, escalates to the duty supervisor. */
export const ESCALATES: ReadonlySet<AlertKind> = new Set(
  ALERT_KINDS.filter((k) => k !== 'alert_unacknowledged'),
);
