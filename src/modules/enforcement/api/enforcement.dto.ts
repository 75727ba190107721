import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsTimestamp } from '../../../common/validators';
import { BackdatableDto } from '../../../common/backdatable.dto';
import {
  CHECK_IN_OUTCOMES,
  SAFE_CONTACT_CHANNELS,
} from '../application/commands/check-ins/check-in.commands';

const IIN = /^\d{12}$/;

export class NamedOffenderDto {
  @ApiProperty({ example: '791028302728' })
  @Matches(IIN, { message: '$property must be 12 digits' })
  iin!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName!: string;
}

export class NamedVictimDto {
  @ApiPropertyOptional({ example: '791028302728' })
  @IsOptional()
  @Matches(IIN, { message: '$property must be 12 digits' })
  iin?: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  fullName!: string;
}

class ProhibitionsDto extends BackdatableDto {
  @ApiProperty({
    type: [String],
    example: ['no contact with the victim', 'no approach within 100 m'],
  })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(300, { each: true })
  prohibitions!: string[];
}

export class IssueProtectiveOrderRequestDto extends ProhibitionsDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() incidentId!: string;

  @ApiProperty({ type: NamedOffenderDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NamedOffenderDto)
  offender!: NamedOffenderDto;

  @ApiProperty({ type: NamedVictimDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NamedVictimDto)
  victim!: NamedVictimDto;

  @ApiProperty({ format: 'date-time' }) @IsTimestamp() issuedAt!: string;

  @ApiProperty({
    description: "The victim's opinion, which the law says to take into account",
    maxLength: 2000,
  })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  victimOpinion!: string;

  @ApiPropertyOptional({
    description: 'Term in days; default and maximum from the rule set in force',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  termDays?: number;
}

export class ServeOrderRequestDto extends BackdatableDto {
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() servedAt!: string;
}

export class OrderViolationRequestDto {
  @ApiProperty({ format: 'uuid', description: 'The later incident that violated the order' })
  @IsUUID()
  incidentId!: string;
}

export class RevokeOrderRequestDto {
  @ApiProperty({ maxLength: 500 })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  reason!: string;
}

export class ListOrdersQueryDto {
  @ApiPropertyOptional({ enum: ['issued', 'served', 'expired', 'revoked'] })
  @IsOptional()
  @IsIn(['issued', 'served', 'expired', 'revoked'])
  status?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() districtId?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  expiringBefore?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class IssueWarningRequestDto extends BackdatableDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() incidentId!: string;

  @ApiProperty({ type: NamedOffenderDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NamedOffenderDto)
  offender!: NamedOffenderDto;

  @ApiProperty({ format: 'date-time' }) @IsTimestamp() issuedAt!: string;
}

export class RecordArrestRequestDto extends BackdatableDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() incidentId!: string;

  @ApiProperty({ example: '791028302728' })
  @Matches(IIN, { message: '$property must be 12 digits' })
  offenderIin!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  courtDecisionRef!: string;

  @ApiProperty({ description: 'Days of arrest; the maximum comes from the rule set in force' })
  @IsInt()
  @Min(1)
  @Max(365)
  days!: number;

  @ApiProperty({ format: 'date-time' }) @IsTimestamp() startsAt!: string;
}

export class RecordSpecialRequirementsRequestDto extends ProhibitionsDto {
  @ApiProperty({ example: '791028302728' })
  @Matches(IIN, { message: '$property must be 12 digits' })
  offenderIin!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required when the inspector serves several districts',
  })
  @IsOptional()
  @IsUUID()
  districtId?: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  courtDecisionRef!: string;

  @ApiProperty({ format: 'date-time' }) @IsTimestamp() startsAt!: string;

  @ApiProperty({ description: 'Months; the range comes from the rule set in force (3–12 today)' })
  @IsInt()
  @Min(1)
  @Max(120)
  months!: number;

  @ApiProperty({ description: 'Check-ins a month; the range comes from the rule set (1–4 today)' })
  @IsInt()
  @Min(1)
  @Max(31)
  checkInsPerMonth!: number;
}

export class ListCheckInsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or before this instant' })
  @IsOptional()
  @IsTimestamp()
  due?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() districtId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class CompleteCheckInRequestDto extends BackdatableDto {
  @ApiProperty({ format: 'date-time' }) @IsTimestamp() at!: string;

  @ApiProperty({ enum: CHECK_IN_OUTCOMES })
  @IsIn([...CHECK_IN_OUTCOMES])
  outcome!: (typeof CHECK_IN_OUTCOMES)[number];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class SafeContactRequestDto {
  @ApiProperty({ enum: SAFE_CONTACT_CHANNELS })
  @IsIn([...SAFE_CONTACT_CHANNELS])
  channel!: (typeof SAFE_CONTACT_CHANNELS)[number];

  @ApiProperty({
    maxLength: 300,
    description: 'A number she chose, a trusted person or a crisis centre',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  value!: string;

  @ApiProperty({ format: 'date-time' }) @IsTimestamp() consentAt!: string;
}
