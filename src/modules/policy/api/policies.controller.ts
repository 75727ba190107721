import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { UnitOfWork } from '@app/persistence';
import { AnyRole } from '../../../common/auth.decorators';
import { RuleSetRepository } from '../application/rule-set.repository';
import { ApiEndpoint } from '../../../common/openapi';
import { PolicyResponseDto, RuleValueDto } from './policy.response.dto';

@ApiTags('policy')
@ApiBearerAuth()
@Controller('policies')
export class PoliciesController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly ruleSets: RuleSetRepository,
  ) {}

  /** Every rule set, its validity and each value with its citation. */
  @Get()
  @AnyRole()
  @ApiEndpoint({
    summary: 'Every rule set, its validity and each value with its citation',
    ok: { type: PolicyResponseDto, isArray: true },
  })
  @ApiExtraModels(RuleValueDto)
  async list() {
    const sets = await this.ruleSets.list(this.uow.manager());
    return sets.map((s) => ({
      id: s.id,
      kind: s.kind,
      version: s.version,
      validFrom: s.validFrom.toISOString(),
      validTo: s.validTo?.toISOString() ?? null,
      values: s.values,
    }));
  }
}
