import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import type { Actor } from '../../../common/roles';
import {
  DecideUserChangeCommand,
  type UserChangeView,
} from '../application/commands/user-changes/user-change.commands';
import { ListUserChangesQuery } from '../application/queries/list-user-changes/list-user-changes.query';
import {
  ErrorResponseDto,
  ListUserChangesQueryDto,
  UserChangeResponseDto,
} from './user-change.dto';

/**
 * Separation of duties: account changes that widen access wait here for a second admin.
 * Prosecutors may read every change (not decide).
 */
@ApiTags('identity')
@ApiBearerAuth()
@ApiResponse({ status: 401, type: ErrorResponseDto, description: 'UNAUTHENTICATED' })
@ApiResponse({ status: 403, type: ErrorResponseDto, description: 'FORBIDDEN' })
@Controller('users/changes')
export class UserChangesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Get()
  @Roles('admin', 'prosecutor')
  @ApiOkResponse({ type: [UserChangeResponseDto] })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  list(@Query() q: ListUserChangesQueryDto): Promise<UserChangeView[]> {
    return this.queries.execute(new ListUserChangesQuery(q.status));
  }

  @Post(':id/approve')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: UserChangeResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'id is not a UUID' })
  @ApiResponse({
    status: 403,
    type: ErrorResponseDto,
    description: 'APPROVER_IS_PROPOSER, APPROVER_IS_SUBJECT',
  })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  @ApiResponse({
    status: 409,
    type: ErrorResponseDto,
    description: 'CHANGE_NOT_PENDING, USERNAME_TAKEN',
  })
  approve(@Param('id', idParam) id: string, @CurrentActor() actor: Actor): Promise<UserChangeView> {
    return this.commands.execute(new DecideUserChangeCommand(actor, id, 'approve'));
  }

  @Post(':id/reject')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: UserChangeResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'id is not a UUID' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'CHANGE_NOT_PENDING' })
  reject(@Param('id', idParam) id: string, @CurrentActor() actor: Actor): Promise<UserChangeView> {
    return this.commands.execute(new DecideUserChangeCommand(actor, id, 'reject'));
  }
}
