import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '@app/persistence';
import { DomainError, DomainErrorKind, ErrorDetail } from './domain-error';

/** Retry-After on every 503: long enough for a pool to reconnect, short enough for a dispatcher. */
export const RETRY_AFTER_SECONDS = 5;

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rule: 422,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  408: 'REQUEST_TIMEOUT',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
  503: 'SERVICE_UNAVAILABLE',
};

/** Fastify's own request errors (body parsing, limits) by their code. */
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Content-Type must be application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    message: 'Request body is empty',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    message: 'Request body is not valid JSON',
  },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'The URL is malformed' },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'URI_TOO_LONG',
    message: 'A path segment is too long',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'BAD_REQUEST',
    message: 'Invalid Content-Length',
  },
};

export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: ErrorDetail[];
  /** How many details were left out (only when some were). */
  detailsTruncated?: number;
}

/** Error bodies stay a few kilobytes whatever the input: a few details, short texts. */
const MAX_DETAILS = 10;
const MAX_MESSAGE_CHARS = 300;
const MAX_FIELD_CHARS = 120;
const MAX_CODE_CHARS = 64;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function boundedDetails(details: ErrorDetail[]): Pick<ErrorBody, 'details' | 'detailsTruncated'> {
  const kept = details.slice(0, MAX_DETAILS).map((d) => ({
    field: clip(String(d.field), MAX_FIELD_CHARS),
    code: clip(String(d.code), MAX_CODE_CHARS),
    message: clip(String(d.message), MAX_MESSAGE_CHARS),
  }));
  return details.length > MAX_DETAILS
    ? { details: kept, detailsTruncated: details.length - MAX_DETAILS }
    : { details: kept };
}

/** Maps anything thrown to the error shape of API.md. 5xx bodies stay generic. */
export function toErrorBody(exception: unknown): ErrorBody {
  if (exception instanceof DomainError) {
    return {
      statusCode: STATUS_BY_KIND[exception.kind],
      code: exception.code,
      message: clip(exception.message, MAX_MESSAGE_CHARS),
      ...(exception.details ? boundedDetails(exception.details) : {}),
    };
  }
  // Nest wraps Fastify's own errors (body parsing, limits) in an HttpException with the cause.
  const cause = exception instanceof HttpException ? exception.cause : exception;
  const fastifyCode = (cause as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && FASTIFY_ERRORS[fastifyCode]) {
    const known = FASTIFY_ERRORS[fastifyCode];
    return { statusCode: known.status, code: known.code, message: known.message };
  }
  if (
    exception instanceof SyntaxError &&
    (exception as { statusCode?: number }).statusCode === 400
  ) {
    return { statusCode: 400, code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status < 500) {
      const message =
        status === 404
          ? 'Not found'
          : status === 401
            ? 'Authentication required'
            : exception.message;
      return {
        statusCode: status,
        code: CODE_BY_STATUS[status] ?? 'HTTP_ERROR',
        message: clip(message, MAX_MESSAGE_CHARS),
      };
    }
  }
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      statusCode: status,
      code: CODE_BY_STATUS[status] ?? 'BAD_REQUEST',
      message: 'Bad request',
    };
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      statusCode: 503,
      code: 'DATABASE_UNAVAILABLE',
      message: 'The database is unavailable; try again',
    };
  }
  return {
    statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
    code: 'INTERNAL_ERROR',
    message: 'Internal error',
  };
}

/** API.md: every 429 and 503 says when to try again. */
const DEFAULT_RETRY_AFTER_SECONDS: Record<number, number> = { 429: 60, 503: RETRY_AFTER_SECONDS };

function retryAfterSecondsOf(exception: unknown, status: number): number | undefined {
  const given = exception instanceof DomainError ? exception.retryAfterSeconds : undefined;
  if (given !== undefined) return Math.max(1, Math.ceil(given));
  return DEFAULT_RETRY_AFTER_SECONDS[status];
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const reply = ctx.getResponse<FastifyReply>();
    const request = ctx.getRequest<FastifyRequest>();
    const body = toErrorBody(exception);
    // A DomainError is a deliberate, expected refusal (e.g. 503 INTAKE_NOT_CONFIGURED): no stack.
    if (body.statusCode >= 500 && !(exception instanceof DomainError)) {
      // Stack and class only: driver messages can quote the values of a failed statement.
      const e = exception as Error;
      this.logger.error(
        {
          reqId: request?.id,
          path: request?.url?.split('?')[0],
          err: { type: e?.name, code: (e as { code?: unknown })?.code, stack: e?.stack },
        },
        'request failed',
      );
    }
    if (reply.sent) return;
    const retryAfter = retryAfterSecondsOf(exception, body.statusCode);
    if (retryAfter !== undefined) void reply.header('Retry-After', String(retryAfter));
    void reply.status(body.statusCode).send(body);
  }
}
