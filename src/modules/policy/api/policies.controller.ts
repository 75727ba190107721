import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { UnitOfWork } from '@app/persistence';
import { AnyRole } from '../../../common/auth.decorators';
import { RuleSetRepository } from '../application/rule-set.repository';

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
  @ApiOkResponse({
    description: '[{id, kind, version, validFrom, validTo, values:{key:{value, unit, citation}}}]',
  })
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
