import { Global, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { JobMetrics } from './job-metrics';
import { MetricsService } from './metrics.service';
import { OperationalGauges } from './operational-gauges';

/** Global: every module's background jobs report to JobMetrics without importing this module. */
@Global()
@Module({
  controllers: [HealthController],
  providers: [MetricsService, JobMetrics, OperationalGauges],
  exports: [MetricsService, JobMetrics],
})
export class OperationsModule {}
