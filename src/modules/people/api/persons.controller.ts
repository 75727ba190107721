import { Controller, Get, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { checkIin, Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { Matches } from 'class-validator';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import type { Principal } from '../../../common/roles';
import { AccessLog } from '../../audit/application/access-log';
import {
  GetPersonByIinQuery,
  type PersonView,
} from '../application/queries/get-person/get-person.query';

export class PersonLookupDto {
  @ApiProperty({ example: '791028302728' })
  @Matches(/^\d{12}$/, { message: 'iin must be 12 digits' })
  iin!: string;
}

@ApiTags('people')
@ApiBearerAuth()
@Controller('persons')
export class PersonsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  /** Every lookup, found or not, is written to the access log before anything is returned. */
  @Get()
  @Roles('dispatcher', 'inspector', 'supervisor', 'prosecutor')
  @ApiOkResponse({ description: 'The person with their history in your districts' })
  async byIin(
    @Query() q: PersonLookupDto,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<PersonView> {
    const check = checkIin(q.iin);
    if (!check.valid)
      throw DomainError.validation(
        'iin',
        'IIN_INVALID',
        `iin is not a valid IIN (${check.reason.replace('_', ' ')})`,
      );
    const person = await this.queries.execute<GetPersonByIinQuery, PersonView | null>(
      new GetPersonByIinQuery(q.iin, user),
    );
    await this.accessLog.record({
      userId: user.id,
      ip: req.ip,
      subjectType: 'person',
      subjectId: person?.id ?? null,
      query: 'iin',
      endpoint: 'GET /api/v1/persons',
      outcome: person ? 'granted' : 'not_found',
      at: this.clock.now(),
    });
    if (!person) throw DomainError.notFound('Person');
    return person;
  }
}
