import { Controller, Get, Param, Query, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { checkIin, Clock } from '@app/kz';
import type { FastifyRequest } from 'fastify';
import { Matches } from 'class-validator';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import type { Principal } from '../../../common/roles';
import { PersonalData } from '../../../common/personal-data';
import { AccessLog } from '../../audit/application/access-log';
import { idParam } from '../../../common/id-pipe';
import {
  GetPersonByIdQuery,
  GetPersonByIinQuery,
  type PersonLookup,
  type PersonView,
} from '../application/queries/get-person/get-person.query';
import { ApiEndpoint } from '../../../common/openapi';
import { PersonResponseDto } from './person.response.dto';

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
  @PersonalData('person', 'iin')
  @ApiEndpoint({
    summary: 'A person by IIN, with their history in your districts (every lookup is logged)',
    ok: { type: PersonResponseDto },
    errors: [404],
  })
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
    const { personId, view } = await this.queries.execute<GetPersonByIinQuery, PersonLookup>(
      new GetPersonByIinQuery(q.iin, user),
    );
    // An out-of-district lookup is logged against the person it touched, though it answers 404.
    await this.accessLog.record({
      userId: user.id,
      ip: req.ip,
      subjectType: 'person',
      subjectId: personId,
      query: 'iin',
      endpoint: 'GET /api/v1/persons',
      outcome: view ? 'granted' : personId ? 'denied' : 'not_found',
      at: this.clock.now(),
    });
    if (!view) throw DomainError.notFound('Person');
    return view;
  }

  /** The same view by id (a victim recorded without an IIN); logged like the IIN lookup. */
  @Get(':id')
  @Roles('dispatcher', 'inspector', 'supervisor', 'prosecutor')
  @PersonalData('person')
  @ApiEndpoint({
    summary: 'A person by id, with their history and safe contacts in your districts (logged)',
    ok: { type: PersonResponseDto },
    errors: [404],
  })
  async byId(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<PersonView> {
    const { personId, view } = await this.queries.execute<GetPersonByIdQuery, PersonLookup>(
      new GetPersonByIdQuery(id, user),
    );
    await this.accessLog.record({
      userId: user.id,
      ip: req.ip,
      subjectType: 'person',
      subjectId: personId,
      endpoint: 'GET /api/v1/persons/:id',
      outcome: view ? 'granted' : personId ? 'denied' : 'not_found',
      at: this.clock.now(),
    });
    if (!view) throw DomainError.notFound('Person');
    return view;
  }
}
