import { IsTimestamp } from '../../../common/validators';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { UnitOfWork } from '@app/persistence';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { Roles } from '../../../common/auth.decorators';
import { ApiEndpoint } from '../../../common/openapi';
import { AccessLogEntryResponseDto } from './access-log.response.dto';

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
}

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/access-log')
export class AccessLogController {
  constructor(private readonly uow: UnitOfWork) {}

  /** Who read which person, incident or call, when, from where, and with what outcome. Newest first. */
  @Get()
  @Roles('prosecutor')
  @ApiEndpoint({
    summary: 'Who read which person, incident or call, when, and with what outcome; newest first',
    ok: { type: AccessLogEntryResponseDto, isArray: true },
  })
  async list(@Query() q: AccessLogQueryDto) {
    const subjectId = q.personId ?? q.incidentId ?? null;
    const rows = (await this.uow.manager().query(
      `SELECT a.user_id, u.username, a.at, a.ip, a.subject_type, a.subject_id, a.query, a.endpoint, a.outcome
       FROM access_log a JOIN users u ON u.id = a.user_id
       WHERE ($1::uuid IS NULL OR a.subject_id = $1)
         AND ($2::uuid IS NULL OR a.user_id = $2)
         AND ($3::timestamptz IS NULL OR a.at >= $3)
         AND ($4::timestamptz IS NULL OR a.at < $4)
       ORDER BY a.at DESC, a.id DESC LIMIT $5`,
      [subjectId, q.userId ?? null, q.from ?? null, q.to ?? null, q.limit ?? 500],
    )) as Array<Record<string, unknown> & { at: Date }>;
    return rows.map((r) => ({
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
