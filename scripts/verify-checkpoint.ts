import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  assertChained,
  type CheckpointHeader,
  CheckpointInvalidError,
  keyIdOf,
  openCheckpoint,
} from '../src/modules/audit/integrity/checkpoint';

const USAGE =
  'usage: node dist/scripts/verify-checkpoint.js --public-key KEY.pem CHECKPOINT.json [NEXT.json …]\n' +
  '  checks each file’s Ed25519 signature and head digest, and that each next file chains to the\n' +
  '  one before it; needs no database and no access to the service';

/**
 * Offline check of checkpoint files (GET /audit/checkpoints/latest, or the checkpoint folder /
 * bucket) against the published public key (GET /audit/checkpoints/public-key).
 */
function main(): void {
  let parsed;
  try {
    parsed = parseArgs({
      options: { 'public-key': { type: 'string' } },
      allowPositionals: true,
    });
  } catch {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const keyPath = parsed.values['public-key'];
  if (!keyPath || parsed.positionals.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const publicKey = createPublicKey(readFileSync(keyPath, 'utf8'));
  let previous: ReturnType<typeof openCheckpoint>['file'] | null = null;
  for (const path of parsed.positionals) {
    try {
      const { file, header } = openCheckpoint(readFileSync(path, 'utf8'), publicKey);
      if (header.keyId !== keyIdOf(publicKey)) throw new CheckpointInvalidError('malformed');
      if (previous) assertChained(previous, header);
      const h: CheckpointHeader = header;
      process.stdout.write(
        `${path}: OK sequence ${h.sequence}, ${h.createdAt}, ${h.streamCount} streams, ${h.eventCount} events\n`,
      );
      previous = file;
    } catch (error) {
      const reason = error instanceof CheckpointInvalidError ? error.message : String(error);
      process.stdout.write(`${path}: FAILED (${reason})\n`);
      process.exit(1);
    }
  }
}

main();
