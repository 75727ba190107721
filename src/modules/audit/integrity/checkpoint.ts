import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

/**
 * A signed checkpoint of every stream head, written outside the database. No Nest, no TypeORM:
 * scripts/verify-checkpoint.ts uses the same functions offline.
 *
 * File layout (JSON):
 *   signed     the canonical (RFC 8785) JSON text of the header, exactly the bytes signed
 *   signature  Ed25519 signature of `signed`, base64
 *   heads      [[streamId, version, hash], …] sorted by streamId (UTF-16 code units)
 * so that `jq -j .signed` gives the signed bytes and openssl can check the signature.
 */
export const CHECKPOINT_FORMAT = 'qorgau-checkpoint/1';

export type CheckpointHead = [streamId: string, version: number, hash: string];

export interface CheckpointHeader {
  format: typeof CHECKPOINT_FORMAT;
  sequence: number;
  createdAt: string;
  /** sha256 of the previous checkpoint's `signed` text; 64 zeros for the first. */
  previousCheckpointHash: string;
  /** sha256 over "streamId\nversion\nhash\n" for each head, in file order. */
  headsDigest: string;
  streamCount: number;
  /** Sum of the head versions: the events the checkpoint vouches for. */
  eventCount: number;
  /** sha256 of the signing public key (SPKI DER), so a verifier knows which key to use. */
  keyId: string;
}

export interface CheckpointFile {
  signed: string;
  signature: string;
  heads: CheckpointHead[];
}

export const NO_PREVIOUS_CHECKPOINT = '0'.repeat(64);

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function headsDigest(heads: CheckpointHead[]): string {
  const hash = createHash('sha256');
  for (const [id, version, h] of heads) hash.update(`${id}\n${version}\n${h}\n`);
  return hash.digest('hex');
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' }));
}

/** The hash the next checkpoint chains to. */
export function checkpointHash(file: Pick<CheckpointFile, 'signed'>): string {
  return sha256(file.signed);
}

export function buildCheckpoint(input: {
  sequence: number;
  createdAt: Date;
  previous: CheckpointFile | null;
  heads: CheckpointHead[];
  privateKey: KeyObject;
}): CheckpointFile {
  const heads = [...input.heads].sort((a, b) => compareIds(a[0], b[0]));
  const publicKey = createPublicKey(input.privateKey);
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT,
    sequence: input.sequence,
    createdAt: input.createdAt.toISOString(),
    previousCheckpointHash: input.previous
      ? checkpointHash(input.previous)
      : NO_PREVIOUS_CHECKPOINT,
    headsDigest: headsDigest(heads),
    streamCount: heads.length,
    eventCount: heads.reduce((n, h) => n + h[1], 0),
    keyId: keyIdOf(publicKey),
  };
  const signed = canonicalize(header);
  const signature = sign(null, Buffer.from(signed, 'utf8'), input.privateKey).toString('base64');
  return { signed, signature, heads };
}

export type CheckpointProblem =
  | 'malformed'
  | 'signature_invalid'
  | 'heads_digest_mismatch'
  | 'chain_broken'
  /** A checkpoint file is gone: a gap in the sequence, or fewer than this process has seen. */
  | 'checkpoint_missing';

export class CheckpointInvalidError extends Error {
  constructor(readonly problem: CheckpointProblem) {
    super(`checkpoint ${problem.replace(/_/g, ' ')}`);
  }
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Parses a checkpoint file's text and checks it whole: shape, signature, heads digest. */
export function openCheckpoint(
  text: string,
  publicKey: KeyObject,
): {
  file: CheckpointFile;
  header: CheckpointHeader;
} {
  let file: CheckpointFile;
  let header: CheckpointHeader;
  try {
    file = JSON.parse(text) as CheckpointFile;
    header = JSON.parse(file.signed) as CheckpointHeader;
  } catch {
    throw new CheckpointInvalidError('malformed');
  }
  if (
    typeof file.signed !== 'string' ||
    typeof file.signature !== 'string' ||
    !Array.isArray(file.heads) ||
    header.format !== CHECKPOINT_FORMAT ||
    !Number.isSafeInteger(header.sequence) ||
    !HEX64.test(header.headsDigest ?? '') ||
    !HEX64.test(header.previousCheckpointHash ?? '') ||
    !file.heads.every(
      (h) =>
        Array.isArray(h) &&
        typeof h[0] === 'string' &&
        Number.isSafeInteger(h[1]) &&
        typeof h[2] === 'string',
    )
  ) {
    throw new CheckpointInvalidError('malformed');
  }
  const valid = verify(
    null,
    Buffer.from(file.signed, 'utf8'),
    publicKey,
    Buffer.from(file.signature, 'base64'),
  );
  if (!valid) throw new CheckpointInvalidError('signature_invalid');
  if (headsDigest(file.heads) !== header.headsDigest || file.heads.length !== header.streamCount) {
    throw new CheckpointInvalidError('heads_digest_mismatch');
  }
  for (let i = 1; i < file.heads.length; i++) {
    if (compareIds(file.heads[i - 1][0], file.heads[i][0]) >= 0)
      throw new CheckpointInvalidError('malformed');
  }
  return { file, header };
}

/** The next checkpoint must name this one as its predecessor and carry the next sequence. */
export function assertChained(previous: CheckpointFile, next: CheckpointHeader): void {
  const prior = JSON.parse(previous.signed) as CheckpointHeader;
  if (
    next.previousCheckpointHash !== checkpointHash(previous) ||
    next.sequence !== prior.sequence + 1
  ) {
    throw new CheckpointInvalidError('chain_broken');
  }
}
