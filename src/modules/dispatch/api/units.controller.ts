import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentActor, CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Actor, Principal } from '../../../common/roles';
import {
  CreateUnitCommand,
  ReportUnitLocationCommand,
  SetUnitStatusCommand,
  type UnitView,
} from '../application/commands/units/unit.commands';
import { ListUnitsQuery } from '../application/queries/units/list-units.query';
import {
  CreateUnitRequestDto,
  UnitLocationRequestDto,
  UnitStatusRequestDto,
  UnitsQueryDto,
} from './dispatch.dto';
import { idParam } from '../../../common/id-pipe';
import { ApiEndpoint } from '../../../common/openapi';
import { UnitLocationResponseDto, UnitResponseDto } from './dispatch.response.dto';

@ApiTags('dispatch')
@ApiBearerAuth()
@Controller('units')
export class UnitsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('admin')
  @ApiEndpoint({
    summary: 'Register a crew',
    ok: { status: 201, type: UnitResponseDto },
    errors: [[409, 'CALL_SIGN_TAKEN or IDEMPOTENCY_KEY_REUSED']],
  })
  create(@Body() body: CreateUnitRequestDto, @CurrentActor() actor: Actor): Promise<UnitView> {
    return this.commands.execute(
      new CreateUnitCommand(actor, body.callSign.trim(), body.districtId),
    );
  }

  @Get()
  @Roles('dispatcher', 'supervisor', 'admin')
  @ApiEndpoint({
    summary: 'Crews of your districts',
    ok: { type: UnitResponseDto, isArray: true },
  })
  list(@Query() q: UnitsQueryDto, @CurrentUser() user: Principal): Promise<UnitView[]> {
    return this.queries.execute(new ListUnitsQuery(user, q.districtId, q.status));
  }

  @Post(':id/location')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Report a crew position (older positions than the one held are not applied)',
    ok: { type: UnitLocationResponseDto },
    errors: [404],
  })
  location(
    @Param('id', idParam) id: string,
    @Body() body: UnitLocationRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<UnitView & { applied: boolean }> {
    return this.commands.execute(
      new ReportUnitLocationCommand(user, id, body.lat, body.lon, body.at),
    );
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Put a crew on or off duty',
    ok: { type: UnitResponseDto },
    errors: [404, 409],
  })
  status(
    @Param('id', idParam) id: string,
    @Body() body: UnitStatusRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<UnitView> {
    return this.commands.execute(new SetUnitStatusCommand(user, id, body.status));
  }
}
