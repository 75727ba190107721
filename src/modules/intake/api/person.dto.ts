import { ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

const IIN = /^\d{12}$/;

export class PersonDto {
  @ApiPropertyOptional({ example: '791028302728' })
  @IsOptional()
  @Matches(IIN, { message: '$property must be 12 digits' })
  iin?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName?: string;

  @ApiPropertyOptional({ example: '+77012345678' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  phone?: string;
}

/** The offender: IIN and name only (no phone is taken for the offender). */
export class OffenderDto extends PickType(PersonDto, ['iin', 'fullName'] as const) {}
