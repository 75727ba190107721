import { Global, Module } from '@nestjs/common';
import { AuditLog } from './application/audit-log';
import { SqlAuditLog } from './infrastructure/sql-audit-log';

@Global()
@Module({
  providers: [{ provide: AuditLog, useClass: SqlAuditLog }],
  exports: [AuditLog],
})
export class AuditModule {}
