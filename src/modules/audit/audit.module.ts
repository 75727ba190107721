import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessRefusalInterceptor } from './api/access-refusal.interceptor';
import { AccessLogController } from './api/access-log.controller';
import { AccessLog } from './application/access-log';
import { AuditLog } from './application/audit-log';
import { SqlAccessLog } from './infrastructure/sql-access-log';
import { SqlAuditLog } from './infrastructure/sql-audit-log';
import { integrityControllers, integrityProviders } from './integrity/integrity.providers';
import { RUNTIME, type Runtime } from '../../config/runtime';
import { DeadlineComplianceHandler } from './reports/deadline-compliance.handler';
import { AuditReportsController } from './reports/reports.controller';
import { ReportLimiter } from './reports/report-limiter';
import { ResponseTimesHandler } from './reports/response-times.handler';

@Global()
@Module({
  controllers: [AccessLogController, ...integrityControllers, AuditReportsController],
  providers: [
    { provide: AuditLog, useClass: SqlAuditLog },
    { provide: AccessLog, useClass: SqlAccessLog },
    { provide: APP_INTERCEPTOR, useClass: AccessRefusalInterceptor },
    ...integrityProviders,
    {
      provide: ReportLimiter,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) =>
        new ReportLimiter(runtime.env.REPORT_CONCURRENCY, runtime.env.REPORT_TIMEOUT_SECONDS),
    },
    ResponseTimesHandler,
    DeadlineComplianceHandler,
  ],
  exports: [AuditLog, AccessLog],
})
export class AuditModule {}
