import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ClientIp, CurrentUser, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import { ApiEndpoint } from '../../../common/openapi';
import type { Principal } from '../../../common/roles';
import {
  ListNotificationsQuery,
  type NotificationView,
  ReplayNotificationCommand,
} from '../application/notifications.admin';
import { ListNotificationsQueryDto, NotificationResponseDto } from './notifications.dto';

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /** Outbound notifications of your districts, newest first; `status=dead` is the dead-letter list. */
  @Get()
  @Roles('admin')
  @ApiEndpoint({
    summary: 'Outbound notifications (status=dead: the dead-letter list); contacts masked; audited',
    ok: { type: NotificationResponseDto, isArray: true },
  })
  list(
    @Query() q: ListNotificationsQueryDto,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<NotificationView[]> {
    return this.queries.execute(
      new ListNotificationsQuery(user, ip, { status: q.status, limit: q.limit ?? 100 }),
    );
  }

  @Post(':id/replay')
  @HttpCode(200)
  @Roles('admin')
  @ApiEndpoint({
    summary: 'Send a dead (or not_configured) notification again; audited',
    ok: { type: NotificationResponseDto },
    errors: [404, [409, 'NOTIFICATION_NOT_REPLAYABLE: it is pending, sent or had no safe channel']],
  })
  replay(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
    @ClientIp() ip: string,
  ): Promise<NotificationView> {
    return this.commands.execute(new ReplayNotificationCommand(user, ip, id));
  }
}
