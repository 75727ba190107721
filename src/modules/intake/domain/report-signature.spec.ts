import { DEFAULT_SIGNATURE_POLICY, signBody, verifySignature } from './report-signature';

const secret = 's'.repeat(40);
const now = new Date('2026-11-22T10:00:00Z');
const ts = String(now.getTime() / 1000);
const body = '{"reportId":"R-1"}';

describe('partner report signature', () => {
  it('accepts a correct signature within the window', () => {
    const signature = signBody(secret, ts, body);
    expect(
      verifySignature(secret, { timestamp: ts, signature }, body, now, DEFAULT_SIGNATURE_POLICY),
    ).toEqual({ ok: true });
    expect(
      verifySignature(
        secret,
        {
          timestamp: String(Number(ts) - 300),
          signature: signBody(secret, String(Number(ts) - 300), body),
        },
        body,
        now,
        DEFAULT_SIGNATURE_POLICY,
      ),
    ).toEqual({ ok: true });
  });

  it.each([
    ['no headers', {}, 'missing'],
    [
      'a non-numeric timestamp',
      { timestamp: 'yesterday', signature: 'sha256=' + 'a'.repeat(64) },
      'malformed',
    ],
    ['a signature without the prefix', { timestamp: ts, signature: 'a'.repeat(64) }, 'malformed'],
    [
      'a timestamp 301 s old',
      {
        timestamp: String(Number(ts) - 301),
        signature: signBody(secret, String(Number(ts) - 301), body),
      },
      'stale',
    ],
    [
      'a timestamp 301 s ahead',
      {
        timestamp: String(Number(ts) + 301),
        signature: signBody(secret, String(Number(ts) + 301), body),
      },
      'stale',
    ],
    [
      'another secret',
      { timestamp: ts, signature: signBody('x'.repeat(40), ts, body) },
      'mismatch',
    ],
    [
      'a signature of another body',
      { timestamp: ts, signature: signBody(secret, ts, body + ' ') },
      'mismatch',
    ],
    [
      'a signature over another timestamp',
      { timestamp: ts, signature: signBody(secret, String(Number(ts) - 1), body) },
      'mismatch',
    ],
  ])('refuses %s', (_label, headers, reason) => {
    expect(verifySignature(secret, headers, body, now, DEFAULT_SIGNATURE_POLICY)).toEqual({
      ok: false,
      reason,
    });
  });
});
