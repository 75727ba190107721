import { Controller, Get, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public, Roles } from '../../common/auth.decorators';
import { MetricsService } from './metrics.service';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly metrics: MetricsService,
  ) {}

  /** Liveness: the process answers. */
  @Get('health')
  @Public()
  @ApiOkResponse({ schema: { example: { status: 'ok' } } })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration this build knows is applied. */
  @Get('health/ready')
  @Public()
  @ApiOkResponse({ schema: { example: { status: 'ok', database: 'up', migrations: 'applied' } } })
  @ApiServiceUnavailableResponse()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      await this.dataSource.query('SELECT 1');
      const pending = await this.dataSource.showMigrations();
      if (pending) {
        void reply.status(503);
        return { status: 'unavailable', database: 'up', migrations: 'pending' };
      }
      return { status: 'ok', database: 'up', migrations: 'applied' };
    } catch {
      void reply.status(503);
      return { status: 'unavailable', database: 'down' };
    }
  }

  @Get('metrics')
  @Roles('admin')
  @ApiBearerAuth()
  async metricsText(@Res() reply: FastifyReply) {
    void reply.header('content-type', this.metrics.contentType).send(await this.metrics.text());
  }
}
