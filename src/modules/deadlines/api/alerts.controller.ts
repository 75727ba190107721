import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../../../common/openapi';
import { AlertResponseDto, DeadlineResponseDto } from './alerts.response.dto';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ClientIp, CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { idParam } from '../../../common/id-pipe';
import {
  AcknowledgeAlertCommand,
  type AlertView,
  type DeadlineView,
  ListAlertsQuery,
  ListDeadlinesQuery,
} from '../application/alerts';
import { ALERT_KINDS } from '../domain/alert-kinds';

export class ListAlertsQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the alerts about this record' })
  @IsOptional()
  @IsUUID()
  subjectId?: string;

  @ApiPropertyOptional({ enum: ['open', 'acknowledged'] })
  @IsOptional()
  @IsIn(['open', 'acknowledged'])
  status?: string;

  @ApiPropertyOptional({ enum: ALERT_KINDS })
  @IsOptional()
  @IsIn([...ALERT_KINDS])
  kind?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The X-Next-Cursor of the previous page: continues after its last alert',
  })
  @IsOptional()
  @IsUUID()
  cursor?: string;
}

export class ListDeadlinesQueryDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() subjectId!: string;
}

const STAFF = ['dispatcher', 'inspector', 'supervisor', 'prosecutor'] as const;

@ApiTags('deadlines')
@ApiBearerAuth()
@Controller()
export class AlertsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** The caller's inbox: alerts for their role and districts, newest first. */
  @Get('alerts')
  @Roles(...STAFF)
  @ApiEndpoint({
    summary: 'Your inbox: alerts for your role and districts, newest first',
    description:
      'Pages of `limit` alerts; when more remain, the `X-Next-Cursor` header gives the `cursor` ' +
      'of the next page.',
    ok: { type: AlertResponseDto, isArray: true },
  })
  async list(
    @Query() q: ListAlertsQueryDto,
    @CurrentUser() user: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AlertView[]> {
    const limit = q.limit ?? 100;
    const rows = await this.queries.execute<ListAlertsQuery, AlertView[]>(
      new ListAlertsQuery(user, {
        status: q.status,
        kind: q.kind,
        subjectId: q.subjectId,
        limit: limit + 1,
        cursor: q.cursor,
      }),
    );
    const page = rows.slice(0, limit);
    if (rows.length > limit) void reply.header('x-next-cursor', page[page.length - 1].id);
    return page;
  }

  @Post('alerts/:id/ack')
  @HttpCode(200)
  @Roles('dispatcher', 'inspector', 'supervisor')
  @ApiEndpoint({
    summary: 'Acknowledge an alert; its escalation is cancelled (twice changes nothing)',
    ok: { type: AlertResponseDto },
    errors: [404],
  })
  ack(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<AlertView> {
    return this.commands.execute(new AcknowledgeAlertCommand(user, ip, id));
  }

  /** A record's deadlines and the rule (rule set, key, value, citation) that set each. */
  @Get('deadlines')
  @Roles(...STAFF)
  @ApiEndpoint({
    summary: 'A record’s deadlines and the rule that set each',
    ok: { type: DeadlineResponseDto, isArray: true },
  })
  deadlines(
    @Query() q: ListDeadlinesQueryDto,
    @CurrentUser() user: Principal,
  ): Promise<DeadlineView[]> {
    return this.queries.execute(new ListDeadlinesQuery(user, q.subjectId));
  }
}
