import { createHmac } from 'node:crypto';
import { KZ_TIME_ZONE } from '@app/kz';

/** What a victim may be told, each switched on or off by the `notifications` rule set. */
export const NOTIFICATION_KINDS = [
  'arrest_release_upcoming',
  'offender_released',
  'order_served',
  'order_expiring',
  'order_expired',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_STATUSES = [
  'pending',
  'sent',
  'dead',
  'not_configured',
  'no_safe_channel',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** The outbound channels: an SMS gateway (a number she chose) or a crisis centre's webhook. */
export type NotificationChannel = 'sms' | 'crisis_centre';

/** The rule-set key that switches a kind on. */
export const victimRuleKey = (kind: NotificationKind) => `notify.victim.${kind}`;

/** What a webhook receives. `to` (SMS) or `centre` (crisis centre) is the only contact in it. */
export interface NotificationPayload {
  notificationId: string;
  kind: NotificationKind;
  channel: NotificationChannel;
  to?: string;
  centre?: string;
  /** The record it is about (an order or an arrest), for the crisis centre's file. */
  caseRef: string;
  at: string;
  text: string;
}

const localTime = new Intl.DateTimeFormat('ru-RU', {
  timeZone: KZ_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * The message, in neutral words: it names no person, no offence and no address, so a phone seen
 * by someone else gives little away. `at` is the moment it is about (release, service, end).
 */
export function messageText(kind: NotificationKind, at: Date): string {
  const when = localTime.format(at);
  switch (kind) {
    case 'arrest_release_upcoming':
      return `Напоминание: освобождение ожидается ${when}. Если нужна помощь, звоните 102.`;
    case 'offender_released':
      return `Сообщаем: освобождение состоялось ${when}. Если нужна помощь, звоните 102.`;
    case 'order_served':
      return `Предписание вручено ${when}. Если оно нарушается, звоните 102.`;
    case 'order_expiring':
      return `Напоминание: срок предписания заканчивается ${when}.`;
    case 'order_expired':
      return `Срок предписания закончился ${when}.`;
  }
}

/**
 * A contact as an admin may see it: enough to tell two apart, not enough to call.
 * "+77011234567" → "+7701*****67".
 */
export function maskContact(value: string): string {
  if (value.length <= 6) return '*'.repeat(value.length);
  return `${value.slice(0, 5)}${'*'.repeat(value.length - 7)}${value.slice(-2)}`;
}

/** The payload with its contact masked, for GET /notifications. */
export function maskedPayload(payload: NotificationPayload | null): NotificationPayload | null {
  if (!payload) return null;
  return {
    ...payload,
    ...(payload.to !== undefined ? { to: maskContact(payload.to) } : {}),
    ...(payload.centre !== undefined ? { centre: maskContact(payload.centre) } : {}),
  };
}

/**
 * The outbound signature, the same scheme as the signed intake: `X-Signature: sha256=<hex
 * HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>`, `X-Timestamp` in unix seconds.
 */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Retries a notification gets after its first attempt, and the base of its back-off, from the
 * rule set. pg-boss waits base·2^n/2·(1 + random) seconds before retry n+1.
 */
export function retryPlan(maxAttempts: number, baseSeconds: number) {
  return {
    retryLimit: Math.max(0, Math.floor(maxAttempts) - 1),
    retryDelay: Math.max(1, Math.floor(baseSeconds)),
    retryBackoff: true,
  };
}
