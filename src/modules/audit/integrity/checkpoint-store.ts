import { chmod, mkdir, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where checkpoints live, outside the database. Write-once: `create` never replaces an existing
 * checkpoint. A folder by default (made append-only by the operator, see README); in production
 * an object store bucket with a retention lock behind the same two operations.
 */
export abstract class CheckpointStore {
  /** Writes checkpoint `sequence`; fails (CheckpointExistsError) if it is already there. */
  abstract create(sequence: number, text: string): Promise<string>;
  /** The newest checkpoint's sequence, or null when none was written yet (reads no content). */
  abstract latestSequence(): Promise<number | null>;
  /** A given checkpoint's text, or null. */
  abstract read(sequence: number): Promise<string | null>;
  /** Every checkpoint's sequence, ascending. */
  abstract list(): Promise<number[]>;
  /**
   * Cheap identity of a checkpoint's stored bytes (size and change times), so a reader can tell
   * a file changed since it checked it without reading it again; null when it is gone.
   */
  abstract fingerprint(sequence: number): Promise<string | null>;
}

export class CheckpointExistsError extends Error {
  constructor(readonly sequence: number) {
    super(`checkpoint ${sequence} already exists`);
  }
}

const NAME = /^checkpoint-(\d{12})\.json$/;
export const checkpointName = (sequence: number) =>
  `checkpoint-${String(sequence).padStart(12, '0')}.json`;

export class FolderCheckpointStore extends CheckpointStore {
  constructor(readonly dir: string) {
    super();
  }

  async create(sequence: number, text: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const name = checkpointName(sequence);
    const path = join(this.dir, name);
    let handle;
    try {
      // O_CREAT | O_EXCL: never overwrite, even if two writers race past the cluster lock.
      handle = await open(path, 'wx', 0o444);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST')
        throw new CheckpointExistsError(sequence);
      throw error;
    }
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(path, 0o444);
    return name;
  }

  async latestSequence(): Promise<number | null> {
    const all = await this.list();
    return all.length > 0 ? all[all.length - 1] : null;
  }

  async list(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const sequences: number[] = [];
    for (const name of names) {
      const m = NAME.exec(name);
      if (m) sequences.push(Number(m[1]));
    }
    return sequences.sort((a, b) => a - b);
  }

  async fingerprint(sequence: number): Promise<string | null> {
    try {
      // ctime cannot be set back by the file's owner (mtime can, with touch).
      const s = await stat(join(this.dir, checkpointName(sequence)), { bigint: true });
      return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async read(sequence: number): Promise<string | null> {
    try {
      return await readFile(join(this.dir, checkpointName(sequence)), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }
}
