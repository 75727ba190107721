import { Global, Module } from '@nestjs/common';
import { PoliciesController } from './api/policies.controller';
import { RuleSetRepository } from './application/rule-set.repository';
import { SqlRuleSetRepository } from './infrastructure/sql-rule-set.repository';

/** Effective-dated rule sets (law and policy as data), readable by every module. */
@Global()
@Module({
  controllers: [PoliciesController],
  providers: [{ provide: RuleSetRepository, useClass: SqlRuleSetRepository }],
  exports: [RuleSetRepository],
})
export class PolicyModule {}
