import { generateKeyPairSync } from 'node:crypto';
import {
  assertChained,
  buildCheckpoint,
  type CheckpointHeader,
  CheckpointInvalidError,
  openCheckpoint,
} from './checkpoint';

describe('signed checkpoints', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const at = new Date('2026-11-22T05:00:00.000Z');
  const heads: Array<[string, number, string]> = [
    ['b', 2, 'b'.repeat(64)],
    ['a', 3, 'a'.repeat(64)],
  ];
  const first = buildCheckpoint({ sequence: 1, createdAt: at, previous: null, heads, privateKey });
  const problem = (text: string) => {
    try {
      openCheckpoint(text, publicKey);
      return null;
    } catch (error) {
      return (error as CheckpointInvalidError).problem;
    }
  };

  it('signs a sorted head list and opens with the public key', () => {
    const { header, file } = openCheckpoint(JSON.stringify(first), publicKey);
    expect(file.heads.map((h) => h[0])).toEqual(['a', 'b']);
    expect(header).toMatchObject({ sequence: 1, streamCount: 2, eventCount: 5 });
  });

  it('refuses an altered head, an altered header, or another key', () => {
    const altered = { ...first, heads: [['a', 2, 'a'.repeat(64)], first.heads[1]] };
    expect(problem(JSON.stringify(altered))).toBe('heads_digest_mismatch');
    const header = JSON.parse(first.signed) as CheckpointHeader;
    const resigned = { ...first, signed: JSON.stringify({ ...header, eventCount: 1 }) };
    expect(problem(JSON.stringify(resigned))).toBe('signature_invalid');
    const other = generateKeyPairSync('ed25519').privateKey;
    const forged = buildCheckpoint({
      sequence: 1,
      createdAt: at,
      previous: null,
      heads,
      privateKey: other,
    });
    expect(problem(JSON.stringify(forged))).toBe('signature_invalid');
    expect(problem('{')).toBe('malformed');
  });

  it('chains each checkpoint to the one before', () => {
    const second = buildCheckpoint({
      sequence: 2,
      createdAt: at,
      previous: first,
      heads,
      privateKey,
    });
    expect(() => assertChained(first, JSON.parse(second.signed))).not.toThrow();
    const stray = buildCheckpoint({
      sequence: 2,
      createdAt: at,
      previous: null,
      heads,
      privateKey,
    });
    expect(() => assertChained(first, JSON.parse(stray.signed))).toThrow(CheckpointInvalidError);
  });
});
