import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { PersonalData } from '../../../common/personal-data';
import { AccessLog, logScopedRead } from '../../audit/application/access-log';
import { idParam } from '../../../common/id-pipe';
import {
  FlagCodedCommand,
  type FlagCodedResult,
} from '../application/commands/flag-coded/flag-coded.command';
import {
  RegisterCallCommand,
  type RegisterCallResult,
} from '../application/commands/register-call/register-call.command';
import { type CallView, GetCallQuery } from '../application/queries/get-call/get-call.query';
import { RegisterCallRequestDto } from './call.request.dto';
import {
  CallResponseDto,
  FlagCodedResponseDto,
  RegisterCallResponseDto,
} from './call.response.dto';
import { ApiEndpoint } from '../../../common/openapi';

@ApiTags('intake')
@ApiBearerAuth()
@Controller('calls')
export class CallsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  /** Registers a 102 call: opens its incident, recognises the passphrase, scores and queues it. */
  @Post()
  @Roles('dispatcher')
  @ApiEndpoint({
    summary: 'Register a 102 call: opens its incident, recognises the passphrase, scores it',
    ok: { status: 201, type: RegisterCallResponseDto },
  })
  register(
    @Body() body: RegisterCallRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<RegisterCallResult> {
    return this.commands.execute(new RegisterCallCommand(user, body));
  }

  @Post(':id/flag-coded')
  @HttpCode(200)
  @Roles('dispatcher')
  @ApiEndpoint({
    summary: 'Mark a call as coded: silent contact and re-scored priority',
    ok: { type: FlagCodedResponseDto },
    errors: [404],
  })
  flagCoded(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
  ): Promise<FlagCodedResult> {
    return this.commands.execute(new FlagCodedCommand(user, id));
  }

  @Get(':id')
  @Roles('dispatcher', 'supervisor', 'prosecutor', 'inspector')
  @PersonalData('call')
  @ApiEndpoint({
    summary: 'A call with its triage (the read is logged)',
    ok: { type: CallResponseDto },
    errors: [404],
  })
  async get(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<CallView> {
    const call = await this.queries.execute<GetCallQuery, CallView | null>(new GetCallQuery(id));
    return logScopedRead(this.accessLog, call, {
      userId: user.id,
      districtIds: user.districtIds,
      ip: req.ip,
      subjectType: 'call',
      subjectId: id,
      endpoint: 'GET /api/v1/calls/:id',
      what: 'Call',
      at: this.clock.now(),
    });
  }
}
