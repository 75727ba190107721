import { normalizePhone } from '@app/kz';
import { type EntityManager } from 'typeorm';
import { type NotificationChannel, type NotificationPayload } from '../domain/notification';

/** Where a notification may go now, or why it may not go anywhere. */
export type Addressing =
  | { ok: true; channel: NotificationChannel; safeContactId: string; to?: string; centre?: string }
  | { ok: false; reason: string; safeContactId: string | null };

interface Contact {
  person_id: string;
  id: string;
  channel: 'phone' | 'trusted_person' | 'crisis_centre';
  value: string;
}

/** Runs of digits and the usual separators long enough to be a phone number. */
const PHONE_RUN = /\+?\d[\d\s().-]{5,30}\d/g;

/**
 * Every number a contact value could be dialled as, normalised by the project's normaliser:
 * the whole value (`+7 701 …`, `8 701 …`, with spaces or dashes) and any number written inside
 * a longer text (a crisis centre's "call 8 701 …").
 */
export function dialableNumbers(value: string): string[] {
  const found = new Set<string>();
  const whole = normalizePhone(value);
  if (whole) found.add(whole);
  for (const run of value.match(PHONE_RUN) ?? []) {
    const n = normalizePhone(run);
    if (n) found.add(n);
  }
  return [...found];
}

/** Those of `numbers` (normalised) that are the caller's number of any coded call. */
export async function codedCallNumbers(tx: EntityManager, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = (await tx.query(
    `SELECT DISTINCT caller_phone FROM calls WHERE coded AND caller_phone = ANY($1::text[])`,
    [numbers],
  )) as Array<{ caller_phone: string }>;
  return new Set(rows.map((r) => r.caller_phone));
}

/**
 * Each person's usable safe contact at `now`, or why there is none: the newest one not
 * withdrawn (consented before `now`); a number (`phone`, `trusted_person`) must normalise, and
 * no number in the contact may be the caller's number of any coded call (the phone the abuser
 * may hold). Asked when a notification is decided AND again at every delivery attempt and
 * replay, since a coded call or a newer contact may have come in since.
 */
export async function resolveSafeChannels(
  tx: EntityManager,
  personIds: string[],
  now: Date,
): Promise<Map<string, Addressing>> {
  const result = new Map<string, Addressing>();
  if (personIds.length === 0) return result;
  const contacts = (await tx.query(
    `SELECT DISTINCT ON (sc.person_id) sc.person_id, sc.id, sc.channel, sc.value
     FROM safe_contacts sc
     WHERE sc.person_id = ANY($1::uuid[]) AND sc.withdrawn_at IS NULL AND sc.consent_at <= $2
     ORDER BY sc.person_id, sc.created_at DESC, sc.id DESC`,
    [personIds, now],
  )) as Contact[];
  const numbersOf = new Map(contacts.map((c) => [c.id, dialableNumbers(c.value)]));
  const coded = await codedCallNumbers(tx, [...new Set([...numbersOf.values()].flat())]);
  for (const c of contacts) {
    if ((numbersOf.get(c.id) ?? []).some((n) => coded.has(n))) {
      result.set(c.person_id, { ok: false, reason: 'coded_call_number', safeContactId: c.id });
      continue;
    }
    if (c.channel === 'crisis_centre') {
      result.set(c.person_id, {
        ok: true,
        channel: 'crisis_centre',
        safeContactId: c.id,
        centre: c.value,
      });
      continue;
    }
    const phone = normalizePhone(c.value);
    if (!phone)
      result.set(c.person_id, { ok: false, reason: 'unusable_contact', safeContactId: c.id });
    else result.set(c.person_id, { ok: true, channel: 'sms', safeContactId: c.id, to: phone });
  }
  for (const id of personIds)
    if (!result.has(id))
      result.set(id, { ok: false, reason: 'no_safe_contact', safeContactId: null });
  return result;
}

/** The webhook body addressed to `a`: the same message, the contact of now (and no other). */
export function readdressed(
  payload: NotificationPayload,
  a: Extract<Addressing, { ok: true }>,
): NotificationPayload {
  return {
    notificationId: payload.notificationId,
    kind: payload.kind,
    channel: a.channel,
    ...(a.to !== undefined ? { to: a.to } : {}),
    ...(a.centre !== undefined ? { centre: a.centre } : {}),
    caseRef: payload.caseRef,
    at: payload.at,
    text: payload.text,
  };
}
