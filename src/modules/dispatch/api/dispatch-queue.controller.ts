import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import {
  DispatchQueueQuery,
  type QueueItem,
} from '../application/queries/queue/dispatch-queue.query';
import { QueueQueryDto } from './dispatch.dto';
import { QUEUE_RESPONSE_SCHEMA } from './dispatch-queue.schema';

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
  @ApiOperation({ summary: 'Open incidents of your districts, most urgent first' })
  @ApiOkResponse({
    description: 'Undispatched incidents, by priority then longest waiting',
    schema: QUEUE_RESPONSE_SCHEMA,
  })
  // The same schema serialises the response (fast-json-stringify, compiled once): the queue is
  // read constantly and JSON.stringify of 100 items cost more CPU than the query (issue 8).
  @RouteSchema({ response: { 200: QUEUE_RESPONSE_SCHEMA } })
  queue(@Query() q: QueueQueryDto, @CurrentUser() user: Principal): Promise<QueueItem[]> {
    return this.queries.execute(
      new DispatchQueueQuery(user, this.clock.now(), q.districtId, q.limit),
    );
  }
}
