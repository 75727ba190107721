import { IsTimestamp } from '../../../common/validators';
import { Controller, Get, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { UnitOfWork } from '@app/persistence';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateBy } from 'class-validator';
import { Type } from 'class-transformer';
import { Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import { ApiEndpoint } from '../../../common/openapi';
import { AccessLogEntryResponseDto } from './access-log.response.dto';

/** The largest access_log id (bigint): a longer or larger cursor is no id this endpoint gave out. */
const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Digits of a positive bigint (1 ≤ n ≤ 2^63 − 1), so the database never sees an out-of-range id. */
const IsCursor = (): PropertyDecorator =>
  ValidateBy({
    name: 'isCursor',
    validator: {
      validate: (value) =>
        typeof value === 'string' &&
        /^\d{1,19}$/.test(value) &&
        BigInt(value) >= 1n &&
        BigInt(value) <= MAX_BIGINT,
      defaultMessage: () => 'cursor must be an X-Next-Cursor this endpoint gave out',
    },
  });

export class AccessLogQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() personId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() incidentId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
  @ApiPropertyOptional({ default: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
  @ApiPropertyOptional({
    description: 'The X-Next-Cursor of the previous page: continues after its last entry',
  })
  @IsOptional()
  @IsCursor()
  cursor?: string;
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/access-log')
export class AccessLogController {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Who read which person, incident or call, when, from where, and with what outcome. Newest
   * first, in pages: a full page answers with `X-Next-Cursor`, passed back as `cursor`.
   */
  @Get()
  @Roles('prosecutor')
  @ApiEndpoint({
    summary: 'Who read which person, incident or call, when, and with what outcome; newest first',
    description:
      'Pages of `limit` entries; when more remain, the `X-Next-Cursor` header gives the `cursor` ' +
      'of the next page. Filters combine (AND). `to` must be later than `from` when both are given ' +
      '(400 RANGE_INVALID otherwise).',
    ok: { type: AccessLogEntryResponseDto, isArray: true },
  })
  async list(@Query() q: AccessLogQueryDto, @Res({ passthrough: true }) reply: FastifyReply) {
    // As the reports answer an empty or reversed range: a caller's mistake, not an empty log.
    if (q.from !== undefined && q.to !== undefined && Date.parse(q.to) <= Date.parse(q.from))
      throw DomainError.validation('to', 'RANGE_INVALID', 'to must be later than from');
    const limit = q.limit ?? 500;
    const rows = (await this.uow.manager().query(
      `SELECT a.id, a.user_id, u.username, a.at, a.ip, a.subject_type, a.subject_id, a.query, a.endpoint, a.outcome
       FROM access_log a JOIN users u ON u.id = a.user_id
       WHERE ($1::uuid IS NULL OR a.subject_id = $1)
         AND ($2::uuid IS NULL OR a.subject_id = $2)
         AND ($3::uuid IS NULL OR a.user_id = $3)
         AND ($4::timestamptz IS NULL OR a.at >= $4)
         AND ($5::timestamptz IS NULL OR a.at < $5)
         AND ($6::bigint IS NULL OR (a.at, a.id) < (SELECT c.at, c.id FROM access_log c WHERE c.id = $6))
       ORDER BY a.at DESC, a.id DESC LIMIT $7`,
      [
        q.personId ?? null,
        q.incidentId ?? null,
        q.userId ?? null,
        q.from ?? null,
        q.to ?? null,
        q.cursor ?? null,
        limit + 1,
      ],
    )) as Array<Record<string, unknown> & { id: string; at: Date }>;
    const page = rows.slice(0, limit);
    if (rows.length > limit) void reply.header('x-next-cursor', String(page[page.length - 1].id));
    return page.map((r) => ({
      userId: r.user_id,
      username: r.username,
      at: r.at.toISOString(),
      ip: r.ip,
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      query: r.query,
      endpoint: r.endpoint,
      outcome: r.outcome,
    }));
  }
}
