import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Partner intake (qamqor.gov.kz) signs each delivery: X-Signature = "sha256=" + hex
 * HMAC-SHA256(secret, "<X-Timestamp>.<raw body>"), X-Timestamp in unix seconds.
 */
export interface SignaturePolicy {
  /** How far the sender's timestamp may be from ours, either way. */
  windowSeconds: number;
  /** Failed signatures from one address within `rejectionWindowSeconds` before 429. */
  maxRejectionsPerAddress: number;
  rejectionWindowSeconds: number;
}

export const DEFAULT_SIGNATURE_POLICY: SignaturePolicy = {
  windowSeconds: 300,
  maxRejectionsPerAddress: 30,
  rejectionWindowSeconds: 15 * 60,
};

export type SignatureVerdict =
  { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

export function signBody(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
}

export function verifySignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  rawBody: string | Buffer,
  now: Date,
  policy: SignaturePolicy,
): SignatureVerdict {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: 'missing' };
  if (!/^\d{1,12}$/.test(timestamp) || !/^sha256=[0-9a-fA-F]{64}$/.test(signature))
    return { ok: false, reason: 'malformed' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > policy.windowSeconds)
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signBody(secret, timestamp, rawBody).slice(7), 'hex');
  const given = Buffer.from(signature.slice(7), 'hex');
  // Equal lengths are guaranteed by the pattern; the comparison itself is constant-time.
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'mismatch' };
}
