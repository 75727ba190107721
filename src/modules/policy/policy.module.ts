import { Global, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PoliciesController } from './api/policies.controller';
import { CreateRuleSetVersionHandler } from './application/commands/create-rule-set-version/create-rule-set-version.handler';
import { ReferenceCache } from './application/reference-cache';
import { RuleSetRepository } from './application/rule-set.repository';
import { SqlRuleSetRepository } from './infrastructure/sql-rule-set.repository';

/** Effective-dated rule sets (law and policy as data), readable by every module. */
@Global()
@Module({
  imports: [CqrsModule],
  controllers: [PoliciesController],
  providers: [
    ReferenceCache,
    { provide: RuleSetRepository, useClass: SqlRuleSetRepository },
    CreateRuleSetVersionHandler,
  ],
  exports: [RuleSetRepository, ReferenceCache],
})
export class PolicyModule {}
