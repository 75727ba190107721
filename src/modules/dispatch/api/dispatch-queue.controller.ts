import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import {
  DispatchQueueQuery,
  type QueueItem,
} from '../application/queries/queue/dispatch-queue.query';
import { QueueQueryDto } from './dispatch.dto';
import { ApiEndpoint } from '../../../common/openapi';
import { QueueItemResponseDto } from './dispatch.response.dto';

@ApiTags('dispatch')
@ApiBearerAuth()
@Controller('dispatch/queue')
export class DispatchQueueController {
  constructor(
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('dispatcher', 'supervisor')
  @ApiEndpoint({
    summary: 'Open incidents of your districts, most urgent first',
    ok: { type: QueueItemResponseDto, isArray: true },
  })
  queue(@Query() q: QueueQueryDto, @CurrentUser() user: Principal): Promise<QueueItem[]> {
    return this.queries.execute(
      new DispatchQueueQuery(user, this.clock.now(), q.districtId, q.limit),
    );
  }
}
