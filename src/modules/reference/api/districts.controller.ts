import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { AnyRole } from '../../../common/auth.decorators';
import {
  type DistrictView,
  ListDistrictsQuery,
} from '../application/queries/list-districts/list-districts.query';
import { ApiEndpoint } from '../../../common/openapi';

export class DistrictResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'AST-YESIL' }) code!: string;
  @ApiProperty({ example: 'Yesil' }) name!: string;
  @ApiProperty({ example: 'Astana' }) region!: string;
}

@ApiTags('reference')
@ApiBearerAuth()
@Controller('districts')
export class DistrictsController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @AnyRole()
  @ApiEndpoint({ summary: 'All districts', ok: { type: DistrictResponseDto, isArray: true } })
  list(): Promise<DistrictView[]> {
    return this.queries.execute(new ListDistrictsQuery());
  }
}
