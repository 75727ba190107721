import { IsTimestamp } from '../../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsObject,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { KZ_BOUNDS } from '@app/kz';
import { OffenderDto, PersonDto } from './person.dto';
import { RiskAnswersDto } from '../../triage/api/risk-answers.dto';

export class RegisterCallRequestDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'default: now' })
  @IsOptional()
  @IsTimestamp()
  receivedAt?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'default: now' })
  @IsOptional()
  @IsTimestamp()
  answeredAt?: string;

  @ApiPropertyOptional({
    example: '+77012345678',
    nullable: true,
    description:
      'absent or null when the number is withheld, or the call comes from a payphone or a phone without a SIM; any valid Kazakh (mobile or fixed-line) or international number',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(32)
  callerPhone?: string | null;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  districtId!: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  address!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(KZ_BOUNDS.minLat)
  @Max(KZ_BOUNDS.maxLat)
  lat?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(KZ_BOUNDS.minLon)
  @Max(KZ_BOUNDS.maxLon)
  lon?: number;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20000)
  transcript?: string;

  @ApiPropertyOptional({ description: 'the dispatcher recognised the passphrase' })
  @IsOptional()
  @IsBoolean()
  coded?: boolean;

  @ApiPropertyOptional({
    description:
      'the caller could not or did not speak (a silent or abandoned call); with an order in force for this number, address or the named people it is top priority',
  })
  @IsOptional()
  @IsBoolean()
  silent?: boolean;

  @ApiPropertyOptional({ enum: ['ru', 'kk', 'en'] })
  @IsOptional()
  @IsIn(['ru', 'kk', 'en'])
  language?: 'ru' | 'kk' | 'en';

  @ApiPropertyOptional({ type: PersonDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => PersonDto)
  victim?: PersonDto;

  @ApiPropertyOptional({ type: OffenderDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OffenderDto)
  offender?: OffenderDto;

  @ApiPropertyOptional({ type: RiskAnswersDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RiskAnswersDto)
  risk?: RiskAnswersDto;
}
