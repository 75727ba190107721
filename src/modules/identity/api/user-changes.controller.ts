import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiEndpoint } from '../../../common/openapi';
import { CurrentActor, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import type { Actor } from '../../../common/roles';
import {
  DecideUserChangeCommand,
  type UserChangeView,
} from '../application/commands/user-changes/user-change.commands';
import { ListUserChangesQuery } from '../application/queries/list-user-changes/list-user-changes.query';
import { ListUserChangesQueryDto, UserChangeResponseDto } from './user-change.dto';

/**
 * Separation of duties: account changes that widen access wait here for a second admin.
 * Prosecutors may read every change (not decide).
 */
@ApiTags('identity')
@ApiBearerAuth()
@Controller('users/changes')
export class UserChangesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Roles('admin', 'prosecutor')
  @ApiEndpoint({
    summary: 'Proposed account changes (admins decide, prosecutors read)',
    ok: { type: UserChangeResponseDto, isArray: true },
  })
  list(@Query() q: ListUserChangesQueryDto): Promise<UserChangeView[]> {
    return this.queries.execute(new ListUserChangesQuery(q.status));
  }

  @Post(':id/approve')
  @Roles('admin')
  @HttpCode(200)
  @ApiEndpoint({
    summary: 'Approve a proposed change; it takes effect now',
    ok: { type: UserChangeResponseDto },
    errors: [
      [403, 'APPROVER_IS_PROPOSER or APPROVER_IS_SUBJECT'],
      404,
      [409, 'CHANGE_NOT_PENDING or USERNAME_TAKEN'],
    ],
  })
  approve(@Param('id', idParam) id: string, @CurrentActor() actor: Actor): Promise<UserChangeView> {
    return this.commands.execute(new DecideUserChangeCommand(actor, id, 'approve'));
  }

  @Post(':id/reject')
  @Roles('admin')
  @HttpCode(200)
  @ApiEndpoint({
    summary: 'Reject a proposed change',
    ok: { type: UserChangeResponseDto },
    errors: [404, [409, 'CHANGE_NOT_PENDING']],
  })
  reject(@Param('id', idParam) id: string, @CurrentActor() actor: Actor): Promise<UserChangeView> {
    return this.commands.execute(new DecideUserChangeCommand(actor, id, 'reject'));
  }
}
