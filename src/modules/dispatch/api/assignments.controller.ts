import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import {
  type AssignmentView,
  CancelAssignmentCommand,
  UpdateAssignmentStatusCommand,
} from '../application/commands/assignments/assignment.commands';
import { AssignmentStatusRequestDto, CancelAssignmentRequestDto } from './dispatch.dto';
import { uuidParam } from './incidents.controller';

@ApiTags('dispatch')
@ApiBearerAuth()
@Roles('dispatcher', 'supervisor')
@Controller('assignments')
export class AssignmentsController {
  constructor(private readonly commands: CommandBus) {}

  /** en_route → on_scene → cleared, each time-stamped; an impossible order is 409 INVALID_TRANSITION. */
  @Post(':id/status')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The assignment with its timestamps' })
  status(
    @Param('id', uuidParam) id: string,
    @Body() body: AssignmentStatusRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<AssignmentView> {
    return this.commands.execute(
      new UpdateAssignmentStatusCommand(user, id, body.status, body.at, body.backdateReason),
    );
  }

  /** Cancels (recorded, not erased); with reassignTo another crew is sent in the same transaction. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOkResponse({ description: '{cancelled, replacement?}' })
  cancel(
    @Param('id', uuidParam) id: string,
    @Body() body: CancelAssignmentRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<{ cancelled: AssignmentView; replacement?: AssignmentView }> {
    return this.commands.execute(
      new CancelAssignmentCommand(user, id, body.reason, body.reassignTo),
    );
  }
}
