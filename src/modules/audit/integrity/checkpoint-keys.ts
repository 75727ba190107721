import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type EnvironmentSchema } from '../../../config/app-config';

export const CHECKPOINT_KEY_FILE = 'checkpoint-signing-key.pem';

/** The Ed25519 key pair that signs checkpoints. */
export class CheckpointKeys {
  readonly publicKey: KeyObject;
  readonly publicKeyPem: string;

  constructor(readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error('CHECKPOINT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM)');
    this.publicKey = createPublicKey(privateKey);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * CHECKPOINT_SIGNING_KEY when set; else a key generated once into DATA_DIR (mode 0600), as the
   * JWT secret is for the embedded demo. Every instance of a cluster must sign with the same key:
   * production sets the variable.
   */
  static fromEnvironment(env: EnvironmentSchema, log: (m: string) => void): CheckpointKeys {
    if (env.CHECKPOINT_SIGNING_KEY) {
      let key: KeyObject;
      try {
        key = createPrivateKey(env.CHECKPOINT_SIGNING_KEY.replace(/\\n/g, '\n'));
      } catch {
        throw new Error('CHECKPOINT_SIGNING_KEY is not a PEM private key');
      }
      return new CheckpointKeys(key);
    }
    const dir = resolve(env.DATA_DIR);
    const path = join(dir, CHECKPOINT_KEY_FILE);
    if (!existsSync(path)) {
      mkdirSync(dir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ed25519');
      try {
        writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
          mode: 0o600,
          flag: 'wx',
        });
        log(`CHECKPOINT_SIGNING_KEY is not set: generated an Ed25519 key and kept it in ${path}`);
      } catch (error) {
        // Another process of this host generated it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    chmodSync(path, 0o600);
    return new CheckpointKeys(createPrivateKey(readFileSync(path, 'utf8')));
  }
}

export function checkpointDir(env: EnvironmentSchema): string {
  return resolve(env.CHECKPOINT_DIR ?? join(env.DATA_DIR, 'checkpoints'));
}
