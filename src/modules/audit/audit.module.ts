import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessRefusalInterceptor } from './api/access-refusal.interceptor';
import { AccessLogController } from './api/access-log.controller';
import { AccessLog } from './application/access-log';
import { AuditLog } from './application/audit-log';
import { SqlAccessLog } from './infrastructure/sql-access-log';
import { SqlAuditLog } from './infrastructure/sql-audit-log';
import { integrityControllers, integrityProviders } from './integrity/integrity.providers';

@Global()
@Module({
  controllers: [AccessLogController, ...integrityControllers],
  providers: [
    { provide: AuditLog, useClass: SqlAuditLog },
    { provide: AccessLog, useClass: SqlAccessLog },
    { provide: APP_INTERCEPTOR, useClass: AccessRefusalInterceptor },
    ...integrityProviders,
  ],
  exports: [AuditLog, AccessLog],
})
export class AuditModule {}
