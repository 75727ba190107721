import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  Matches,
  MinLength,
  validateSync,
} from 'class-validator';

const WEBHOOK_URL = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : /^-?\d+$/.test(String(value))
      ? Number(value)
      : value;
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : value === 'true' || value === '1'
      ? true
      : value === 'false' || value === '0'
        ? false
        : value;

/** Environment variables the service reads. Names follow API.md. */
export class EnvironmentSchema {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @IsOptional()
  @IsString()
  DATABASE_URL?: string;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(86_400)
  JWT_TTL_SECONDS: number = 3600;

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'QAMQOR_HMAC_SECRET must be at least 32 characters' })
  QAMQOR_HMAC_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'DEMO_PASSWORD must be at least 12 characters' })
  DEMO_PASSWORD?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  @IsOptional()
  @IsString()
  DATA_DIR: string = '.data';

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES: number = 1024 * 1024;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  TRUST_PROXY: boolean = false;

  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  SEED_DEMO?: boolean;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DB_POOL_SIZE: number = 20;

  /** Password checks (argon2id, 64 MiB each) running at once; default: cores × 2. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  LOGIN_HASH_CONCURRENCY?: number;

  /** Logins that may wait for a password check; beyond it login answers 503 at once. Default: concurrency × 8. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  LOGIN_HASH_QUEUE?: number;

  /** Unsent bytes a live-stream client may leave queued before it is cut off. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(4096)
  @Max(64 * 1024 * 1024)
  SSE_MAX_BACKLOG_BYTES: number = 1024 * 1024;

  /** Open `GET /dispatch/stream` connections per user and instance; a new one closes the oldest. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  SSE_MAX_STREAMS_PER_USER: number = 5;

  /** Outbound SMS gateway webhook (victims' safe-contact numbers). Absent: `not_configured`. */
  @IsOptional()
  @IsUrl(WEBHOOK_URL, { message: 'NOTIFY_SMS_WEBHOOK_URL must be an http(s) URL' })
  NOTIFY_SMS_WEBHOOK_URL?: string;

  /** Outbound crisis-centre webhook (victims whose safe contact is a crisis centre). */
  @IsOptional()
  @IsUrl(WEBHOOK_URL, { message: 'NOTIFY_CRISIS_WEBHOOK_URL must be an http(s) URL' })
  NOTIFY_CRISIS_WEBHOOK_URL?: string;

  /** HMAC-SHA256 key signing every outbound webhook (README: "Outbound notifications"). */
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'NOTIFY_WEBHOOK_SECRET must be at least 32 characters' })
  NOTIFY_WEBHOOK_SECRET?: string;

  /** How often (one worker of the cluster) fails expired jobs of workers that died mid-job. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(300)
  NOTIFY_MAINTENANCE_SECONDS: number = 10;

  /** Notifications one worker delivers at once. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  NOTIFY_CONCURRENCY: number = 20;

  /**
   * The owner role's URL, used only to run migrations; DATABASE_URL may then be a role that may
   * only INSERT and SELECT on the event store (deploy/roles.sql). Unset: DATABASE_URL migrates.
   */
  @IsOptional()
  @IsString()
  DATABASE_MIGRATION_URL?: string;

  /** Ed25519 private key (PKCS#8 PEM) that signs checkpoints; unset: generated once into DATA_DIR. */
  @IsOptional()
  @IsString()
  CHECKPOINT_SIGNING_KEY?: string;

  /** Where signed checkpoints are written, as new files only; default DATA_DIR/checkpoints. */
  @IsOptional()
  @IsString()
  CHECKPOINT_DIR?: string;

  /** How often a checkpoint of every stream head is signed and written (once per cluster). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86_400)
  CHECKPOINT_INTERVAL_SECONDS: number = 60;
  /**
   * Port of a separate, unauthenticated `GET /metrics` listener for Prometheus on an internal
   * network (API and worker alike; the worker has no other HTTP). Unset: none. Never publish it.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /**
   * Address the METRICS_PORT listener binds to. Default 0.0.0.0: in a container Prometheus
   * reaches it over the compose network; on a bare host set 127.0.0.1 or the internal interface.
   */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'METRICS_HOST must be an address or host name' })
  METRICS_HOST: string = '0.0.0.0';

  /**
   * Audit reports (response times, deadline compliance) computed at once by one API process;
   * more answer 429 REPORTS_BUSY. Each holds one pooled connection while it runs, so the
   * dispatch floor keeps the rest of DB_POOL_SIZE.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(32)
  REPORT_CONCURRENCY: number = 2;

  /** A report's SQL is cancelled after this many seconds (statement_timeout): 503 REPORT_TIMEOUT. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600)
  REPORT_TIMEOUT_SECONDS: number = 30;
}

const SECRET_NAMES = new Set([
  'JWT_SECRET',
  'QAMQOR_HMAC_SECRET',
  'DEMO_PASSWORD',
  'DATABASE_URL',
  'NOTIFY_WEBHOOK_SECRET',
  'DATABASE_MIGRATION_URL',
  'CHECKPOINT_SIGNING_KEY',
]);

export class ConfigurationError extends Error {}

/** Validates the environment; the first problem becomes one line naming the variable. */
export function validateEnvironment(given: Record<string, unknown>): EnvironmentSchema {
  // An empty value means unset: docker-compose passes `${X:-}` of an unset X as "", and a
  // deployment that leaves an optional secret out must get its documented default or warning.
  const raw = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ''));
  const env = plainToInstance(EnvironmentSchema, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  if (errors.length > 0) {
    const first = errors[0];
    // The type check speaks first: "abc" is not an integer, whatever the range says.
    const constraints = Object.entries(first.constraints ?? {});
    const reason =
      (constraints.find(([k]) => k.startsWith('is')) ?? constraints[0])?.[1] ?? 'is invalid';
    const shown = SECRET_NAMES.has(first.property)
      ? ''
      : ` (got ${JSON.stringify(raw[first.property])})`;
    const text = reason.startsWith(first.property) ? reason : `${first.property}: ${reason}`;
    throw new ConfigurationError(`Configuration error: ${text}${shown}`);
  }
  if (env.DATABASE_URL !== undefined) {
    let url: URL;
    try {
      url = new URL(env.DATABASE_URL);
    } catch {
      throw new ConfigurationError('Configuration error: DATABASE_URL is not a valid URL');
    }
    if (!/^postgres(ql)?:$/.test(url.protocol)) {
      throw new ConfigurationError(
        'Configuration error: DATABASE_URL must start with postgres:// or postgresql://',
      );
    }
    if (env.DATABASE_MIGRATION_URL !== undefined) {
      const protocol = URL.canParse(env.DATABASE_MIGRATION_URL)
        ? new URL(env.DATABASE_MIGRATION_URL).protocol
        : '';
      if (!/^postgres(ql)?:$/.test(protocol)) {
        throw new ConfigurationError(
          'Configuration error: DATABASE_MIGRATION_URL must be a postgres:// or postgresql:// URL',
        );
      }
    }
    if (!env.JWT_SECRET) {
      throw new ConfigurationError(
        'Configuration error: JWT_SECRET is required when DATABASE_URL is set (at least 32 characters)',
      );
    }
  }
  return env;
}

/** For entry points: the validated environment, or one line on stderr and exit code 1. */
export function environmentOrExit(raw: Record<string, unknown> = process.env): EnvironmentSchema {
  try {
    return validateEnvironment(raw);
  } catch (error) {
    if (error instanceof ConfigurationError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
