import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
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
import { uuidParam } from './incidents.controller';

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
  @ApiCreatedResponse({ description: '{id, callSign, districtId, status}' })
  create(@Body() body: CreateUnitRequestDto, @CurrentActor() actor: Actor): Promise<UnitView> {
    return this.commands.execute(
      new CreateUnitCommand(actor, body.callSign.trim(), body.districtId),
    );
  }

  @Get()
  @Roles('dispatcher', 'supervisor', 'admin')
  @ApiOkResponse({ description: 'Crews of your districts' })
  list(@Query() q: UnitsQueryDto, @CurrentUser() user: Principal): Promise<UnitView[]> {
    return this.queries.execute(new ListUnitsQuery(user, q.districtId, q.status));
  }

  @Post(':id/location')
  @HttpCode(200)
  @Roles('dispatcher', 'supervisor')
  @ApiOkResponse({ description: 'The crew, and whether this position was newer than the one held' })
  location(
    @Param('id', uuidParam) id: string,
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
  @ApiOkResponse({ description: 'The crew' })
  status(
    @Param('id', uuidParam) id: string,
    @Body() body: UnitStatusRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<UnitView> {
    return this.commands.execute(new SetUnitStatusCommand(user, id, body.status));
  }
}
