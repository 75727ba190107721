import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import {
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
  type OpenAPIObject,
} from '@nestjs/swagger';
import { PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { type Role } from './roles';

/** One failing field of a 400/422 (API.md "Errors"). */
export class ErrorDetailDto {
  @ApiProperty({ example: 'callerPhone' }) field!: string;
  @ApiProperty({ example: 'isPhoneNumber' }) code!: string;
  @ApiProperty({ example: 'callerPhone must be a phone number' }) message!: string;
}

/** The body of every error answer (src/common/http-exception.filter.ts). */
export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'stable; clients branch on it' })
  code!: string;
  @ApiProperty({ example: 'Request validation failed' }) message!: string;
  @ApiPropertyOptional({ type: [ErrorDetailDto] }) details?: ErrorDetailDto[];
}

/** What each error status means here; an operation adds its own codes in `errors`. */
export const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input: `code` and `details[].field` name what failed (VALIDATION_FAILED, MALFORMED_JSON, INVALID_CHARACTERS, IDEMPOTENCY_KEY_INVALID, …)',
  401: 'No valid token (UNAUTHENTICATED)',
  403: 'Role or district not allowed (FORBIDDEN)',
  404: 'Not found, or not visible to you (NOT_FOUND)',
  409: 'Conflict with the current state, or IDEMPOTENCY_KEY_REUSED',
  413: 'Request body larger than BODY_LIMIT_BYTES (PAYLOAD_TOO_LARGE)',
  415: 'Content-Type not accepted (UNSUPPORTED_MEDIA_TYPE)',
  422: 'A domain rule refuses the request',
  429: 'Too many attempts; try again later (RATE_LIMITED)',
  503: 'Database unavailable or shutting down (DATABASE_UNAVAILABLE, SERVICE_UNAVAILABLE)',
};

export interface EndpointOptions {
  summary: string;
  /** Longer text; the roles are appended from @Roles/@Public by `completeOpenApiDocument`. */
  description?: string;
  /** The success answer: a DTO class (`isArray` for lists), or 204 / a non-JSON media type. */
  ok:
    | { status?: number; type: Type<unknown>; isArray?: boolean; description?: string }
    | { status: 204; description?: string }
    | { status?: number; mediaType: 'text/event-stream' | 'text/plain'; description: string };
  /** Route-specific errors, as a status or [status, what it means here]. */
  errors?: Array<number | [number, string]>;
}

/**
 * One decorator per route for its OpenAPI description: summary, success schema and its own error
 * answers. Cross-cutting facts (roles, bearer auth, 400/401/403/413/415/503, Idempotency-Key) are
 * derived from the route's real metadata by `completeOpenApiDocument`, so they cannot drift.
 */
export function ApiEndpoint(options: EndpointOptions): MethodDecorator {
  const decorators: Array<MethodDecorator | ClassDecorator> = [
    ApiOperation({ summary: options.summary, description: options.description }),
    ApiExtraModels(ErrorBodyDto),
  ];
  const ok = options.ok;
  if ('type' in ok) {
    decorators.push(
      ApiResponse({
        status: ok.status ?? 200,
        type: ok.type,
        isArray: ok.isArray,
        description: ok.description ?? 'OK',
      }),
    );
  } else if ('mediaType' in ok) {
    decorators.push(
      ApiProduces(ok.mediaType),
      ApiResponse({
        status: ok.status ?? 200,
        description: ok.description,
        content: { [ok.mediaType]: { schema: { type: 'string' } } },
      }),
    );
  } else {
    decorators.push(ApiResponse({ status: 204, description: ok.description ?? 'No content' }));
  }
  for (const error of options.errors ?? []) {
    const [status, text] = Array.isArray(error) ? error : [error, ERROR_DESCRIPTIONS[error]];
    decorators.push(ApiResponse({ status, type: ErrorBodyDto, description: text ?? 'Error' }));
  }
  return applyDecorators(...decorators);
}

const WRITES = new Set(['post', 'put', 'patch', 'delete']);
const IDEMPOTENCY_KEY_PARAMETER = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Optional, 1-200 of [A-Za-z0-9._:-]. The same key with the same body returns the first ' +
    'result; with another request it is 409 IDEMPOTENCY_KEY_REUSED.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,200}$' },
};

interface RouteAccess {
  public: boolean;
  roles: Role[];
}

/** @Roles/@Public of every controller method, keyed like swagger's default operationId. */
function routeAccess(app: INestApplication): Map<string, RouteAccess> {
  const access = new Map<string, RouteAccess>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const read = <T>(key: string): T | undefined =>
          (Reflect.getMetadata(key, handler) as T | undefined) ??
          (Reflect.getMetadata(key, controller) as T | undefined);
        access.set(`${controller.name}_${method}`, {
          public: read<boolean>(PUBLIC_KEY) === true,
          roles: read<Role[]>(ROLES_KEY) ?? [],
        });
      }
    }
  }
  return access;
}

type Operation = {
  operationId?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: Array<Record<string, string[]>>;
  [extension: `x-${string}`]: unknown;
};

/**
 * Adds what every operation shares, from the routes' real metadata: `x-roles` (and the roles in
 * the description), bearer security and 401/403 where a token is needed, 400 where there is
 * input, 413/415 where there is a body, 503 everywhere (database), and the `Idempotency-Key`
 * header on authenticated writes (src/common/idempotency.interceptor.ts).
 */
export function completeOpenApiDocument(
  app: INestApplication,
  document: OpenAPIObject,
): OpenAPIObject {
  const access = routeAccess(app);
  const errorRef = { $ref: getSchemaPath(ErrorBodyDto) };
  const error = (status: number) => ({
    description: ERROR_DESCRIPTIONS[status],
    content: { 'application/json': { schema: errorRef } },
  });
  for (const pathItem of Object.values(document.paths)) {
    for (const [method, value] of Object.entries(pathItem)) {
      if (!value || typeof value !== 'object' || !('responses' in value)) continue;
      const operation = value as Operation;
      const route = operation.operationId ? access.get(operation.operationId) : undefined;
      if (!route) continue; // the document test reports it as a gap
      const add = (status: number) => {
        operation.responses[String(status)] ??= error(status);
      };
      if (route.public) {
        operation['x-public'] = true;
        operation.security = [];
        operation.description = withAccess(operation.description, 'Public: no token.');
      } else {
        operation['x-roles'] = route.roles;
        operation.security = [{ bearer: [] }];
        operation.description = withAccess(
          operation.description,
          route.roles.length > 0 ? `Roles: ${route.roles.join(', ')}.` : 'Roles: none (refused).',
        );
        add(401);
        add(403);
      }
      const hasInput = Boolean(operation.requestBody) || (operation.parameters ?? []).length > 0;
      const authenticatedWrite = WRITES.has(method) && !route.public;
      if (hasInput || authenticatedWrite) add(400);
      if (operation.requestBody) {
        add(413);
        add(415);
      }
      if (authenticatedWrite) {
        operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY_PARAMETER];
        add(409);
      }
      add(503);
    }
  }
  return document;
}

function withAccess(description: string | undefined, access: string): string {
  return description ? `${description}\n\n${access}` : access;
}
