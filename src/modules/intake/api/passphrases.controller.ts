import { IsTimestamp } from '../../../common/validators';
import { Body, Controller, Get, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { CurrentActor, Roles } from '../../../common/auth.decorators';
import type { Actor } from '../../../common/roles';
import { CreatePassphraseCommand } from '../application/commands/create-passphrase/create-passphrase.command';
import {
  ListPassphrasesQuery,
  type PassphraseView,
} from '../application/queries/list-passphrases/list-passphrases.query';
import { ApiEndpoint } from '../../../common/openapi';
import { PassphraseResponseDto } from './call.response.dto';

export class CreatePassphraseRequestDto {
  @ApiProperty({ example: 'Поступили антисептики, маски?' })
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  text!: string;

  @ApiProperty({ enum: ['ru', 'kk', 'en'] })
  @IsIn(['ru', 'kk', 'en'])
  language!: 'ru' | 'kk' | 'en';

  @ApiProperty({ type: [String], nullable: true, description: 'null: every district' })
  @ValidateIf((_, v) => v !== null)
  @IsArray()
  @ArrayMaxSize(300)
  @IsUUID('all', { each: true })
  districtIds!: string[] | null;

  @ApiProperty({ format: 'date-time' })
  @IsTimestamp()
  validFrom!: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  validTo?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

@ApiTags('intake')
@ApiBearerAuth()
@Roles('admin')
@Controller('passphrases')
export class PassphrasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiEndpoint({
    summary: 'All passphrases, with whether each is in force now',
    ok: { type: PassphraseResponseDto, isArray: true },
  })
  list(): Promise<PassphraseView[]> {
    return this.queries.execute(new ListPassphrasesQuery(this.clock.now()));
  }

  @Post()
  @ApiEndpoint({
    summary: 'Add a passphrase, in force from validFrom',
    ok: { status: 201, type: PassphraseResponseDto },
  })
  create(
    @Body() body: CreatePassphraseRequestDto,
    @CurrentActor() actor: Actor,
  ): Promise<PassphraseView> {
    return this.commands.execute(
      new CreatePassphraseCommand(actor, {
        text: body.text.trim(),
        language: body.language,
        districtIds: body.districtIds,
        validFrom: new Date(body.validFrom),
        validTo: body.validTo ? new Date(body.validTo) : null,
        note: body.note ?? null,
      }),
    );
  }
}
