import { type LoggerService } from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';

/**
 * Personal data and secrets never reach the logs: these paths are censored wherever they appear
 * (request/response objects, error details, anything a developer passes to the logger).
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-signature"]',
  '*.accessToken',
  '*.token',
  ...[
    'iin',
    'fullName',
    'phone',
    'callerPhone',
    'address',
    'transcript',
    'text',
    'victim',
    'offender',
    'applicant',
    'lat',
    'lon',
    'notes',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export function createRootLogger(level: string): Pino {
  return pino({
    level,
    base: { service: 'qorgau-dispatch' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      // Paths only: query strings can carry identifiers (e.g. /persons?iin=...).
      req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url?.split('?')[0],
        ip: req.ip,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

/** Nest's logger interface over pino, so framework and application logs share one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Pino) {}

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ) {
    const context =
      typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (message !== null && typeof message === 'object') {
      const text = typeof rest[0] === 'string' && rest.length > 1 ? (rest[0] as string) : undefined;
      this.pino[level]({ context, ...(message as object) }, text);
    } else {
      this.pino[level]({ context }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    // Nest passes (message, stack, context); keep the stack as a field.
    if (typeof message === 'string' && typeof rest[0] === 'string' && rest.length === 2) {
      this.pino.error({ context: rest[1], stack: rest[0] }, message);
      return;
    }
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
