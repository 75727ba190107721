import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import type { Actor } from '../../../common/roles';
import { CreateUserCommand } from '../application/commands/create-user/create-user.command';
import { UpdateUserCommand } from '../application/commands/update-user/update-user.command';
import { GetUserQuery } from '../application/queries/get-user/get-user.query';
import { ListUsersQuery } from '../application/queries/list-users/list-users.query';
import type { UserView } from '../application/tokens';
import { CreateUserRequestDto, UpdateUserRequestDto } from './user.request.dto';
import { UserResponseDto } from './user.response.dto';
import { ApiEndpoint } from '../../../common/openapi';

const uuidPipe = new ParseUUIDPipe({
  exceptionFactory: () => DomainError.validation('id', 'isUuid', 'id must be a UUID'),
});

@ApiTags('identity')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiEndpoint({
    summary: 'Create a user with a role and districts',
    ok: { status: 201, type: UserResponseDto },
    errors: [[409, 'USERNAME_TAKEN or IDEMPOTENCY_KEY_REUSED']],
  })
  create(@Body() body: CreateUserRequestDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.commands.execute(
      new CreateUserCommand(actor, body.username, body.password, body.role, body.districtIds),
    );
  }

  @Get()
  @ApiEndpoint({ summary: 'All users', ok: { type: UserResponseDto, isArray: true } })
  list(): Promise<UserView[]> {
    return this.queries.execute(new ListUsersQuery());
  }

  @Get(':id')
  @ApiEndpoint({ summary: 'One user', ok: { type: UserResponseDto }, errors: [404] })
  get(@Param('id', uuidPipe) id: string): Promise<UserView> {
    return this.queries.execute(new GetUserQuery(id));
  }

  @Patch(':id')
  @ApiEndpoint({
    summary: 'Change a user’s role, districts, password or disabled flag',
    ok: { type: UserResponseDto },
    errors: [404],
  })
  update(
    @Param('id', uuidPipe) id: string,
    @Body() body: UpdateUserRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<UserView> {
    return this.commands.execute(new UpdateUserCommand(actor, id, body));
  }
}
