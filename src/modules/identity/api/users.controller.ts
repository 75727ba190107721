import { Body, Controller, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
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
import { PendingChangeResponseDto } from './user-change.dto';
import { UserResponseDto } from './user.response.dto';
import { ApiEndpoint } from '../../../common/openapi';

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
  @ApiEndpoint({
    summary: 'Propose a new user; it exists once a second admin approves',
    ok: { status: 202, type: PendingChangeResponseDto },
    errors: [[409, 'USERNAME_TAKEN or IDEMPOTENCY_KEY_REUSED']],
  })
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
  @ApiEndpoint({ summary: 'All users', ok: { type: UserResponseDto, isArray: true } })
  list(): Promise<UserView[]> {
    return this.queries.execute(new ListUsersQuery());
  }

  @Get(':id')
  @ApiEndpoint({ summary: 'One user', ok: { type: UserResponseDto }, errors: [404] })
  get(@Param('id', idParam) id: string): Promise<UserView> {
    return this.queries.execute(new GetUserQuery(id));
  }

  /**
   * Disabling and narrowing apply at once (200, the user). A role change, added districts,
   * re-enabling or another user's password reset wait for a second admin: 202 with the change
   * (whatever narrowing came with it has already applied).
   */
  @Patch(':id')
  @ApiEndpoint({
    summary: 'Change a user’s role, districts, password or disabled flag',
    description:
      'Narrowing applies at once (200, the user); widening or another user’s password reset waits for a second admin (202).',
    ok: { type: UserResponseDto },
    errors: [404, [409, 'SELF_LOCKOUT or IDEMPOTENCY_KEY_REUSED']],
  })
  @ApiResponse({
    status: 202,
    type: PendingChangeResponseDto,
    description: 'Part of it waits for approval',
  })
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
