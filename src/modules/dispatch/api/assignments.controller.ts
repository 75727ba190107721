import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import {
  type AssignmentView,
  CancelAssignmentCommand,
  UpdateAssignmentStatusCommand,
} from '../application/commands/assignments/assignment.commands';
import { AssignmentStatusRequestDto, CancelAssignmentRequestDto } from './dispatch.dto';
import { idParam } from '../../../common/id-pipe';
import { ApiEndpoint } from '../../../common/openapi';
import { AssignmentResponseDto, CancelAssignmentResponseDto } from './dispatch.response.dto';

@ApiTags('dispatch')
@ApiBearerAuth()
@Roles('dispatcher', 'supervisor')
@Controller('assignments')
export class AssignmentsController {
  constructor(private readonly commands: CommandBus) {}

  /** en_route → on_scene → cleared, each time-stamped; an impossible order is 409 INVALID_TRANSITION. */
  @Post(':id/status')
  @HttpCode(200)
  @ApiEndpoint({
    summary: 'Move a crew along en_route → on_scene → cleared, time-stamped',
    ok: { type: AssignmentResponseDto },
    errors: [404, [409, 'INVALID_TRANSITION or IDEMPOTENCY_KEY_REUSED'], 422],
  })
  status(
    @Param('id', idParam) id: string,
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
  @ApiEndpoint({
    summary: 'Cancel an assignment (recorded, not erased), optionally sending another crew',
    ok: { type: CancelAssignmentResponseDto },
    errors: [404, 409],
  })
  cancel(
    @Param('id', idParam) id: string,
    @Body() body: CancelAssignmentRequestDto,
    @CurrentUser() user: Principal,
  ): Promise<{ cancelled: AssignmentView; replacement?: AssignmentView }> {
    return this.commands.execute(
      new CancelAssignmentCommand(user, id, body.reason, body.reassignTo),
    );
  }
}
