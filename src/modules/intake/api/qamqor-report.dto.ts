import { IsTimestamp } from '../../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
  IsDefined,
  IsObject,
} from 'class-validator';
import { OffenderDto, PersonDto } from './person.dto';

export class QamqorReportDto {
  @ApiProperty({ example: 'QMR-2026-000123', maxLength: 100 })
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, {
    message: 'reportId must be 1-100 letters, digits or . _ : -',
  })
  reportId!: string;

  @ApiProperty({ format: 'date-time' })
  @IsTimestamp()
  submittedAt!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  districtId?: string;

  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  address!: string;

  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @MinLength(1)
  @MaxLength(20000)
  text!: string;

  @ApiProperty({ type: PersonDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => PersonDto)
  applicant!: PersonDto;

  @ApiPropertyOptional({ type: OffenderDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => OffenderDto)
  offender?: OffenderDto;
}
