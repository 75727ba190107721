import { Controller, Get, Res } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public, Roles } from '../../common/auth.decorators';
import { MetricsService } from './metrics.service';
import { ApiEndpoint } from '../../common/openapi';
import { LivenessResponseDto, ReadinessResponseDto } from './health.response.dto';

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
  @ApiEndpoint({ summary: 'Liveness: the process answers', ok: { type: LivenessResponseDto } })
  health() {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration this build knows is applied. */
  @Get('health/ready')
  @Public()
  @ApiEndpoint({
    summary: 'Readiness: the database answers and every migration is applied',
    ok: { type: ReadinessResponseDto },
  })
  @ApiResponse({
    status: 503,
    type: ReadinessResponseDto,
    description: 'Not ready: database down or migrations pending',
  })
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
  @ApiEndpoint({
    summary: 'Prometheus metrics',
    ok: { mediaType: 'text/plain', description: 'Prometheus text exposition format' },
  })
  async metricsText(@Res() reply: FastifyReply) {
    void reply.header('content-type', this.metrics.contentType).send(await this.metrics.text());
  }
}
