import { Global, Module } from '@nestjs/common';
import { PoliciesController } from './api/policies.controller';
import { ReferenceCache } from './application/reference-cache';
import { RuleSetRepository } from './application/rule-set.repository';
import { SqlRuleSetRepository } from './infrastructure/sql-rule-set.repository';

/** Effective-dated rule sets (law and policy as data), readable by every module. */
@Global()
@Module({
  controllers: [PoliciesController],
  providers: [ReferenceCache, { provide: RuleSetRepository, useClass: SqlRuleSetRepository }],
  exports: [RuleSetRepository, ReferenceCache],
})
export class PolicyModule {}
