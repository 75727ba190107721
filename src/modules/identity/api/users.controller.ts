import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentActor, Roles } from '../../../common/auth.decorators';
import { idParam } from '../../../common/id-pipe';
import type { Actor } from '../../../common/roles';
import {
  ProposeUserCreateCommand,
  RequestUserUpdateCommand,
  type UpdateOutcome,
  type UserChangeView,
} from '../application/commands/user-changes/user-change.commands';
import { GetUserQuery } from '../application/queries/get-user/get-user.query';
import { ListUsersQuery } from '../application/queries/list-users/list-users.query';
import type { UserView } from '../application/tokens';
import { CreateUserRequestDto, UpdateUserRequestDto } from './user.request.dto';
import { ErrorResponseDto, PendingChangeResponseDto } from './user-change.dto';
import { UserResponseDto } from './user.response.dto';

@ApiTags('identity')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  /**
   * Every role reads victim data or audit, or grants access: the account is created only when a
   * second admin approves (`POST /users/changes/{changeId}/approve`). `npm run user:create` is the
   * audited break-glass path.
   */
  @Post()
  @HttpCode(202)
  @ApiResponse({ status: 202, type: PendingChangeResponseDto })
  @ApiResponse({
    status: 400,
    type: ErrorResponseDto,
    description: 'VALIDATION_FAILED, PASSWORD_*',
  })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'USERNAME_TAKEN' })
  async create(
    @Body() body: CreateUserRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<{ changeId: string; status: 'pending' }> {
    const change = await this.commands.execute<ProposeUserCreateCommand, UserChangeView>(
      new ProposeUserCreateCommand(
        actor,
        body.username,
        body.password,
        body.role,
        body.districtIds,
      ),
    );
    return { changeId: change.changeId, status: 'pending' };
  }

  @Get()
  @ApiOkResponse({ type: [UserResponseDto] })
  list(): Promise<UserView[]> {
    return this.queries.execute(new ListUsersQuery());
  }

  @Get(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  get(@Param('id', idParam) id: string): Promise<UserView> {
    return this.queries.execute(new GetUserQuery(id));
  }

  /**
   * Disabling and narrowing apply at once (200, the user). A role change, added districts,
   * re-enabling or another user's password reset wait for a second admin: 202 with the change
   * (whatever narrowing came with it has already applied).
   */
  @Patch(':id')
  @ApiOkResponse({ type: UserResponseDto })
  @ApiResponse({ status: 202, type: PendingChangeResponseDto })
  @ApiResponse({ status: 400, type: ErrorResponseDto, description: 'VALIDATION_FAILED' })
  @ApiResponse({ status: 404, type: ErrorResponseDto, description: 'NOT_FOUND' })
  @ApiResponse({ status: 409, type: ErrorResponseDto, description: 'SELF_LOCKOUT' })
  async update(
    @Param('id', idParam) id: string,
    @Body() body: UpdateUserRequestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserView | { changeId: string; status: 'pending' }> {
    const outcome = await this.commands.execute<RequestUserUpdateCommand, UpdateOutcome>(
      new RequestUserUpdateCommand(actor, id, body),
    );
    if (outcome.kind === 'applied') return outcome.user;
    void reply.status(202);
    return { changeId: outcome.change.changeId, status: 'pending' };
  }
}
