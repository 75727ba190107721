import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { CachedValue, ChangeListener } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { RUNTIME, type Runtime } from '../../../config/runtime';
import { RuleSet, type RuleValue } from '../domain/rule-set';

/** The channel the reference tables' triggers announce writes on (migration 1765700000001). */
export const REFERENCE_CHANNEL = 'reference_changed';

/** Even if a notification is lost, a cached copy is re-read at least this often. */
const SAFETY_TTL_MS = 60_000;

export interface CachedPassphrase {
  id: string;
  text: string;
  language: string | null;
  districtIds: string[] | null;
  validFrom: Date;
  validTo: Date | null;
}

/**
 * Rule sets and passphrases change a few times a year but were read on every call (issue 8). Each
 * instance keeps them in memory; the tables' triggers NOTIFY every instance on a write (and a
 * lost connection drops the copies too), with a safety TTL behind that. Tables are small: the
 * whole table is cached and the effective-date filter runs in process.
 */
@Injectable()
export class ReferenceCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ReferenceCache');
  private listener: ChangeListener | null = null;
  private readonly ruleSetRows: CachedValue<RuleSet[], EntityManager | undefined>;
  private readonly passphraseRows: CachedValue<CachedPassphrase[], EntityManager | undefined>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    this.ruleSetRows = new CachedValue((db) => this.loadRuleSets(db), SAFETY_TTL_MS);
    this.passphraseRows = new CachedValue((db) => this.loadPassphrases(db), SAFETY_TTL_MS);
  }

  async onModuleInit(): Promise<void> {
    this.listener = new ChangeListener(
      this.runtime.databaseUrl,
      REFERENCE_CHANNEL,
      (table) => this.invalidate(table),
      (message) => this.logger.warn(message),
    );
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.listener?.stop();
  }

  /** Drops the cached copy of `table` (every table when not named). */
  invalidate(table?: string): void {
    if (!table || table === 'rule_sets') this.ruleSetRows.invalidate();
    if (!table || table === 'passphrases') this.passphraseRows.invalidate();
  }

  /**
   * `db`: the caller's manager (its transaction, if it is in one), used if the table must be
   * read; never a second pooled connection while the caller holds one.
   */
  ruleSets(db?: EntityManager): Promise<RuleSet[]> {
    return this.ruleSetRows.get(db);
  }

  passphrases(db?: EntityManager): Promise<CachedPassphrase[]> {
    return this.passphraseRows.get(db);
  }

  private async loadRuleSets(db?: EntityManager): Promise<RuleSet[]> {
    const rows = (await (db ?? this.dataSource.manager).query(
      `SELECT id, kind, version, valid_from, valid_to, values FROM rule_sets ORDER BY kind, valid_from`,
    )) as Array<{
      id: string;
      kind: string;
      version: string;
      valid_from: Date;
      valid_to: Date | null;
      values: Record<string, RuleValue>;
    }>;
    return rows.map(
      (r) => new RuleSet(r.id, r.kind, r.version, r.valid_from, r.valid_to, r.values),
    );
  }

  private async loadPassphrases(db?: EntityManager): Promise<CachedPassphrase[]> {
    const rows = (await (db ?? this.dataSource.manager).query(
      `SELECT id, text, language, district_ids, valid_from, valid_to FROM passphrases
       ORDER BY valid_from DESC, id`,
    )) as Array<{
      id: string;
      text: string;
      language: string | null;
      district_ids: string[] | null;
      valid_from: Date;
      valid_to: Date | null;
    }>;
    return rows.map((r) => ({
      id: r.id,
      text: r.text,
      language: r.language,
      districtIds: r.district_ids,
      validFrom: r.valid_from,
      validTo: r.valid_to,
    }));
  }
}
