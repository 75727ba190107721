import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessRefusalInterceptor } from './api/access-refusal.interceptor';
import { AccessLogController } from './api/access-log.controller';
import { AccessLog } from './application/access-log';
import { AuditLog } from './application/audit-log';
import { SqlAccessLog } from './infrastructure/sql-access-log';
import { SqlAuditLog } from './infrastructure/sql-audit-log';

@Global()
@Module({
  controllers: [AccessLogController],
  providers: [
    { provide: AuditLog, useClass: SqlAuditLog },
    { provide: AccessLog, useClass: SqlAccessLog },
    { provide: APP_INTERCEPTOR, useClass: AccessRefusalInterceptor },
  ],
  exports: [AuditLog, AccessLog],
})
export class AuditModule {}
