import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Clock } from '@app/kz';
import { DataSource } from 'typeorm';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import { ChainVerifier, type ChainReport } from './chain-verifier';
import {
  buildCheckpoint,
  type CheckpointFile,
  type CheckpointHead,
  type CheckpointHeader,
  CheckpointInvalidError,
  type CheckpointProblem,
  openCheckpoint,
} from './checkpoint';
import { CheckpointKeys } from './checkpoint-keys';
import { CheckpointExistsError, CheckpointStore } from './checkpoint-store';

export interface CheckpointSummary {
  sequence: number;
  createdAt: string;
  streamCount: number;
  eventCount: number;
  /** Set when the newest checkpoint cannot be trusted (bad signature, altered head list). */
  problem?: CheckpointProblem;
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
  private cached: LoadedCheckpoint | null = null;
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
  ) {}

  get publicKeyPem(): string {
    return this.keys.publicKeyPem;
  }

  /** The newest checkpoint, checked (signature, head digest); null when there is none. */
  async latestCheckpoint(): Promise<LoadedCheckpoint | null> {
    const sequence = await this.store.latestSequence();
    if (sequence === null) return null;
    // Checked once per file: a checkpoint file is never rewritten.
    if (this.cached?.sequence === sequence) return this.cached;
    const text = await this.store.read(sequence);
    if (text === null) return null;
    const { file, header } = openCheckpoint(text, this.keys.publicKey);
    if (header.sequence !== sequence) throw new CheckpointInvalidError('malformed');
    const loaded = {
      sequence,
      file,
      header,
      heads: new Map(file.heads.map((h) => [h[0], h])),
    };
    this.cached = loaded;
    return loaded;
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
    let checkpoint: LoadedCheckpoint | null = null;
    let summary: CheckpointSummary | null = null;
    try {
      checkpoint = await this.latestCheckpoint();
      if (checkpoint) summary = this.summarise(checkpoint.header);
    } catch (error) {
      if (!(error instanceof CheckpointInvalidError)) throw error;
      summary = {
        sequence: (await this.store.latestSequence()) ?? 0,
        createdAt: '',
        streamCount: 0,
        eventCount: 0,
        problem: error.problem,
      };
    }
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
        ? await this.verifier.verifyAll(query, checkpoint?.heads ?? null, (p) => {
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
        : await this.verifier.verifyStream(query, streamId, checkpoint?.heads ?? null);
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
      const previous = await this.latestCheckpoint();
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

  /** Ticks a few times per interval; each tick writes only when the interval has passed. */
  startCheckpoints(): void {
    if (this.timer) return;
    const everyMs = Math.max(1000, (this.runtime.env.CHECKPOINT_INTERVAL_SECONDS * 1000) / 4);
    const tick = () => {
      this.ticking = this.takeCheckpoint()
        .catch((error: unknown) =>
          this.logger.warn(
            { err: { type: (error as Error).name, code: (error as { code?: string }).code } },
            'checkpoint failed',
          ),
        )
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
