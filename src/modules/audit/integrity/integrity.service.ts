import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@app/kz';
import { DataSource, type QueryRunner } from 'typeorm';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import { JobMetrics } from '../../operations/job-metrics';
import {
  type BrokenLink,
  ChainVerifier,
  type ChainReport,
  type CheckpointView,
} from './chain-verifier';
import {
  buildCheckpoint,
  type CheckpointFile,
  type CheckpointHead,
  type CheckpointHeader,
  checkpointHash,
  CheckpointInvalidError,
  type CheckpointProblem,
  keyIdOf,
  NO_PREVIOUS_CHECKPOINT,
  openCheckpoint,
} from './checkpoint';
import { CheckpointKeys } from './checkpoint-keys';
import { CheckpointExistsError, CheckpointStore } from './checkpoint-store';

export interface CheckpointSummary {
  sequence: number;
  createdAt: string;
  streamCount: number;
  eventCount: number;
  /**
   * Set when the checkpoints cannot be trusted: a bad signature, an altered head list, a broken
   * link between two files, or a file gone (`checkpoint_missing`).
   */
  problem?: CheckpointProblem;
  /** The checkpoint sequence the problem is at. */
  problemSequence?: number;
}

export interface IntegrityReport extends ChainReport {
  /** The checkpoint the database was checked against; null when none has been written yet. */
  checkpoint: CheckpointSummary | null;
  durationMs: number;
}

export interface VerificationProgress {
  running: boolean;
  startedAt: string | null;
  finishedAt: string | null;
  streamsChecked: number;
  eventsChecked: number;
  streamsPerSecond: number;
  eventsPerSecond: number;
  result: IntegrityReport | null;
}

interface LoadedCheckpoint {
  sequence: number;
  file: CheckpointFile;
  header: CheckpointHeader;
  heads: Map<string, CheckpointHead>;
}

interface CheckedFile {
  fingerprint: string;
  header: CheckpointHeader;
  signedHash: string;
  /** Only for the newest file: its heads. */
  loaded: LoadedCheckpoint | null;
}

export interface CheckpointChain {
  /** The newest checkpoint, when that file itself checks out; null when there is none. */
  latest: LoadedCheckpoint | null;
  /** The first problem found in the chain of files, and at which sequence. */
  problem?: { sequence: number; problem: CheckpointProblem };
  highestSeen: number;
}

/**
 * A transaction that took its sequence of events before a checkpoint's snapshot may commit after
 * it: its events carry a recorded_at a little before the checkpoint that yet does not name them.
 * Streams that began earlier than the checkpoint less this margin must be in it.
 */
const IN_FLIGHT_MARGIN_MS = 5 * 60_000;
const CHECK_BATCH = 5_000;
const CHECKPOINT_LOCK = `hashtext('qorgau:checkpoint')`;
const PROGRESS_LOG_EVERY_MS = 5_000;

/**
 * Tamper evidence: verifies the event store's hash chains against the database's heads and the
 * newest signed checkpoint, and writes those checkpoints (once per cluster per interval).
 */
@Injectable()
export class IntegrityService implements OnApplicationShutdown {
  private readonly logger = new Logger('Integrity');
  private readonly verifier = new ChainVerifier();
  /** Checkpoint files checked, by sequence, with the fingerprint they had then. */
  private readonly checked = new Map<number, CheckedFile>();
  /** The highest checkpoint sequence this process has seen: fewer files later is a break. */
  private highestSeen = 0;
  private running: Promise<IntegrityReport> | null = null;
  private progress: VerificationProgress = {
    running: false,
    startedAt: null,
    finishedAt: null,
    streamsChecked: 0,
    eventsChecked: 0,
    streamsPerSecond: 0,
    eventsPerSecond: 0,
    result: null,
  };
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<unknown> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: CheckpointStore,
    private readonly keys: CheckpointKeys,
    private readonly clock: Clock,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly jobMetrics: JobMetrics,
  ) {}

  get publicKeyPem(): string {
    return this.keys.publicKeyPem;
  }

  /**
   * The whole chain of checkpoint files, checked: sequences 1..N without a gap and not fewer than
   * this process has seen, each file's signature and head digest, and each naming its
   * predecessor's hash. A file is read again only when its size or change times differ from when
   * it was checked (so an edited file is noticed at the next call); only the newest keeps its
   * heads in memory. `latest` is the newest file when it checks out itself, even if an older
   * link is broken (`problem` says so).
   */
  async checkpointChain(): Promise<CheckpointChain> {
    const sequences = await this.store.list();
    const top = sequences.length > 0 ? sequences[sequences.length - 1] : 0;
    let problem: { sequence: number; problem: CheckpointProblem } | undefined;
    const fail = (sequence: number, p: CheckpointProblem) => {
      problem ??= { sequence, problem: p };
    };
    if (top < this.highestSeen) fail(this.highestSeen, 'checkpoint_missing');
    sequences.forEach((sequence, i) => {
      if (sequence !== i + 1) fail(i + 1, 'checkpoint_missing');
    });
    let previousHash: string | null = NO_PREVIOUS_CHECKPOINT;
    let latest: LoadedCheckpoint | null = null;
    for (const sequence of sequences) {
      let entry: CheckedFile | null;
      try {
        entry = await this.checkedFile(sequence, sequence === top);
      } catch (error) {
        if (!(error instanceof CheckpointInvalidError)) throw error;
        fail(sequence, error.problem);
        previousHash = null;
        continue;
      }
      if (!entry) {
        fail(sequence, 'checkpoint_missing');
        previousHash = null;
        continue;
      }
      if (previousHash !== null && entry.header.previousCheckpointHash !== previousHash)
        fail(sequence, 'chain_broken');
      previousHash = entry.signedHash;
      if (sequence === top && entry.loaded) latest = entry.loaded;
    }
    for (const sequence of this.checked.keys()) {
      if (!sequences.includes(sequence)) this.checked.delete(sequence);
    }
    this.highestSeen = Math.max(this.highestSeen, top);
    return { latest, problem, highestSeen: this.highestSeen };
  }

  /** The newest checkpoint, if the chain of checkpoints checks out; null when there is none. */
  async latestCheckpoint(): Promise<LoadedCheckpoint | null> {
    const chain = await this.checkpointChain();
    if (chain.problem) throw new CheckpointInvalidError(chain.problem.problem);
    return chain.latest;
  }

  private async checkedFile(sequence: number, keepHeads: boolean): Promise<CheckedFile | null> {
    const fingerprint = await this.store.fingerprint(sequence);
    if (fingerprint === null) return null;
    const known = this.checked.get(sequence);
    if (known && known.fingerprint === fingerprint && (!keepHeads || known.loaded)) return known;
    this.checked.delete(sequence);
    const text = await this.store.read(sequence);
    if (text === null) return null;
    const { file, header } = openCheckpoint(text, this.keys.publicKey);
    if (header.sequence !== sequence || header.keyId !== keyIdOf(this.keys.publicKey))
      throw new CheckpointInvalidError('malformed');
    const entry: CheckedFile = {
      fingerprint,
      header,
      signedHash: checkpointHash(file),
      loaded: keepHeads
        ? { sequence, file, header, heads: new Map(file.heads.map((h) => [h[0], h])) }
        : null,
    };
    // The fingerprint is taken before the read: a file changed in between is read again next time.
    this.checked.set(sequence, entry);
    return entry;
  }

  /**
   * One stream, or all. All runs once per instance at a time: a second caller joins the run in
   * progress (GET /audit/verify/progress shows how far it is).
   */
  verify(streamId?: string): Promise<IntegrityReport> {
    if (streamId !== undefined) return this.run(streamId);
    if (!this.running) {
      this.running = this.run(undefined).finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  currentProgress(): VerificationProgress {
    return { ...this.progress };
  }

  private async run(streamId: string | undefined): Promise<IntegrityReport> {
    const started = performance.now();
    const all = streamId === undefined;
    const chainOfCheckpoints = await this.checkpointChain();
    const checkpoint = chainOfCheckpoints.latest;
    let summary: CheckpointSummary | null = checkpoint ? this.summarise(checkpoint.header) : null;
    const problem = chainOfCheckpoints.problem;
    if (problem) {
      summary = {
        ...(summary ?? {
          sequence: chainOfCheckpoints.highestSeen,
          createdAt: '',
          streamCount: 0,
          eventCount: 0,
        }),
        problem: problem.problem,
        problemSequence: problem.sequence,
      };
    }
    const view = checkpoint ? this.viewOf(checkpoint) : null;
    if (all) {
      this.progress = {
        running: true,
        startedAt: this.clock.now().toISOString(),
        finishedAt: null,
        streamsChecked: 0,
        eventsChecked: 0,
        streamsPerSecond: 0,
        eventsPerSecond: 0,
        result: null,
      };
      this.logger.log(
        { checkpoint: summary?.sequence ?? null },
        'verification of all streams started',
      );
    }
    // The checkpoint is read first, then one REPEATABLE READ snapshot: the database seen is at
    // least as new as the checkpoint, and appends during the run cannot look like broken links.
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let chain: ChainReport;
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const query = (sql: string, params: unknown[]) =>
        runner.query(sql, params) as Promise<unknown[]>;
      let lastLog = performance.now();
      chain = all
        ? await this.verifier.verifyAll(query, view, (p) => {
            const seconds = (performance.now() - started) / 1000;
            this.progress = {
              ...this.progress,
              streamsChecked: p.streamsChecked,
              eventsChecked: p.eventsChecked,
              streamsPerSecond: Math.round(p.streamsChecked / seconds),
              eventsPerSecond: Math.round(p.eventsChecked / seconds),
            };
            if (performance.now() - lastLog >= PROGRESS_LOG_EVERY_MS) {
              lastLog = performance.now();
              this.logger.log(
                {
                  streamsChecked: p.streamsChecked,
                  eventsChecked: p.eventsChecked,
                  streamsPerSecond: this.progress.streamsPerSecond,
                },
                'verification in progress',
              );
            }
          })
        : await this.verifier.verifyStream(query, streamId, view);
      await runner.query('COMMIT');
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      if (all) this.progress = { ...this.progress, running: false };
      throw error;
    } finally {
      await runner.release();
    }
    const durationMs = Math.round(performance.now() - started);
    const report: IntegrityReport = {
      ...chain,
      ok: chain.ok && !summary?.problem,
      checkpoint: summary,
      durationMs,
    };
    if (all) {
      const seconds = Math.max(durationMs, 1) / 1000;
      this.progress = {
        running: false,
        startedAt: this.progress.startedAt,
        finishedAt: this.clock.now().toISOString(),
        streamsChecked: report.streamsChecked,
        eventsChecked: report.eventsChecked,
        streamsPerSecond: Math.round(report.streamsChecked / seconds),
        eventsPerSecond: Math.round(report.eventsChecked / seconds),
        result: report,
      };
      // Ids and versions only; never payloads.
      this.logger.log(
        {
          ok: report.ok,
          streamsChecked: report.streamsChecked,
          eventsChecked: report.eventsChecked,
          durationMs,
          firstBrokenAt: report.firstBrokenAt,
          checkpointProblem: summary?.problem,
        },
        'verification of all streams finished',
      );
    }
    return report;
  }

  private viewOf(checkpoint: LoadedCheckpoint): CheckpointView {
    return {
      heads: checkpoint.heads,
      unnamedNotBefore: new Date(Date.parse(checkpoint.header.createdAt) - IN_FLIGHT_MARGIN_MS),
    };
  }

  private summarise(header: CheckpointHeader): CheckpointSummary {
    return {
      sequence: header.sequence,
      createdAt: header.createdAt,
      streamCount: header.streamCount,
      eventCount: header.eventCount,
    };
  }

  /**
   * Signs and writes a checkpoint of every stream head, unless another instance wrote one within
   * the interval or nothing moved since the last one. The cluster elects one writer with an
   * advisory lock; the store refuses to overwrite a sequence, should two ever race past it.
   * Returns the sequence written, or null.
   */
  async takeCheckpoint(options: { force?: boolean } = {}): Promise<number | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const [lock] = (await runner.query(
        `SELECT pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) AS got`,
      )) as Array<{ got: boolean }>;
      if (!lock.got) return null;
      const now = this.clock.now();
      const chainOfCheckpoints = await this.checkpointChain();
      if (chainOfCheckpoints.problem) {
        // Never start a new chain, or extend one, over a checkpoint that is gone or altered.
        this.refuse({ checkpoint: chainOfCheckpoints.problem });
        return null;
      }
      const previous = chainOfCheckpoints.latest;
      const intervalMs = this.runtime.env.CHECKPOINT_INTERVAL_SECONDS * 1000;
      if (
        !options.force &&
        previous &&
        now.getTime() - Date.parse(previous.header.createdAt) < intervalMs
      )
        return null;
      const rows = (await runner.query(
        `SELECT stream_id, version, hash FROM event_stream_heads`,
      )) as Array<{ stream_id: string; version: number; hash: string }>;
      const heads: CheckpointHead[] = rows.map((r) => [r.stream_id, r.version, r.hash]);
      if (previous) {
        // Sign only what extends the last checkpoint: otherwise a rewrite would be vouched for.
        const broken = await this.brokenSince(runner, previous, heads);
        if (broken) {
          this.refuse({ previous: previous.sequence, firstBrokenAt: broken });
          return null;
        }
      }
      const file = buildCheckpoint({
        sequence: (previous?.sequence ?? 0) + 1,
        createdAt: now,
        previous: previous?.file ?? null,
        heads,
        privateKey: this.keys.privateKey,
      });
      const header = JSON.parse(file.signed) as CheckpointHeader;
      if (!options.force && previous && previous.header.headsDigest === header.headsDigest)
        return null;
      try {
        await this.store.create(header.sequence, JSON.stringify(file));
      } catch (error) {
        if (error instanceof CheckpointExistsError) return null;
        throw error;
      }
      this.highestSeen = Math.max(this.highestSeen, header.sequence);
      this.logger.log(
        { sequence: header.sequence, streams: header.streamCount, events: header.eventCount },
        'checkpoint written',
      );
      return header.sequence;
    } finally {
      await runner.query('ROLLBACK').catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Whether the database still holds what checkpoint `previous` signed: for every stream it
   * names, the event at the signed version with the signed hash, and a head not behind it; and
   * no stream it does not name that began before it (less the in-flight margin). Ids, versions
   * and hashes only. Runs in the writer's snapshot, in batches (indexed lookups).
   */
  private async brokenSince(
    runner: QueryRunner,
    previous: LoadedCheckpoint,
    heads: CheckpointHead[],
  ): Promise<BrokenLink | null> {
    const current = new Map(heads.map((h) => [h[0], h[1]]));
    const signed = previous.file.heads;
    for (let i = 0; i < signed.length; i += CHECK_BATCH) {
      const batch = signed.slice(i, i + CHECK_BATCH);
      const rows = (await runner.query(
        `SELECT c.stream_id, e.hash FROM unnest($1::text[], $2::int[]) AS c(stream_id, version)
         LEFT JOIN events e ON e.stream_id = c.stream_id AND e.stream_version = c.version`,
        [batch.map((h) => h[0]), batch.map((h) => h[1])],
      )) as Array<{ stream_id: string; hash: string | null }>;
      const found = new Map(rows.map((r) => [r.stream_id, r.hash]));
      for (const [streamId, version, hash] of batch) {
        const head = current.get(streamId);
        const at = found.get(streamId) ?? null;
        if (at === null && head === undefined)
          return { streamId, version: 1, reason: 'missing_stream' };
        if (at === null) return { streamId, version, reason: 'shorter_than_checkpoint' };
        if (at !== hash) return { streamId, version, reason: 'checkpoint_hash_mismatch' };
        if (head === undefined || head < version)
          return { streamId, version, reason: 'head_mismatch' };
      }
    }
    const unnamed = heads.filter((h) => !previous.heads.has(h[0])).map((h) => h[0]);
    const notBefore = this.viewOf(previous).unnamedNotBefore;
    for (let i = 0; i < unnamed.length; i += CHECK_BATCH) {
      const [early] = (await runner.query(
        `SELECT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND stream_version = 1
           AND recorded_at < $2 ORDER BY stream_id LIMIT 1`,
        [unnamed.slice(i, i + CHECK_BATCH), notBefore],
      )) as Array<{ stream_id: string }>;
      if (early) return { streamId: early.stream_id, version: 1, reason: 'not_in_checkpoint' };
    }
    return null;
  }

  /** The writer will not sign: logged as an error and counted (job_failures_total{job="checkpoint"}). */
  private refuse(why: Record<string, unknown>): void {
    this.jobMetrics.jobFailed('checkpoint');
    this.logger.error(why, 'checkpoint refused: the store no longer matches the checkpoints');
  }

  /** Ticks a few times per interval; each tick writes only when the interval has passed. */
  startCheckpoints(): void {
    if (this.timer) return;
    const everyMs = Math.max(1000, (this.runtime.env.CHECKPOINT_INTERVAL_SECONDS * 1000) / 4);
    const tick = () => {
      this.ticking = this.takeCheckpoint()
        .catch((error: unknown) => {
          this.jobMetrics.jobFailed('checkpoint');
          this.logger.warn(
            { err: { type: (error as Error).name, code: (error as { code?: string }).code } },
            'checkpoint failed',
          );
        })
        .finally(() => {
          this.ticking = null;
          if (this.timer) this.timer = setTimeout(tick, everyMs);
        });
    };
    this.timer = setTimeout(tick, 0);
    this.logger.log(
      { intervalSeconds: this.runtime.env.CHECKPOINT_INTERVAL_SECONDS },
      'checkpoints started',
    );
  }

  async stopCheckpoints(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stopCheckpoints();
    await this.running?.catch(() => undefined);
  }
}
