import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsUUID, ValidateNested } from 'class-validator';
import { RiskAnswersDto } from '../../triage/api/risk-answers.dto';
import { type Disposition, DISPOSITIONS } from '../domain/incident';

export class AssignDistrictRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  districtId!: string;
}

export class CloseIncidentRequestDto {
  @ApiProperty({ enum: DISPOSITIONS })
  @IsIn(DISPOSITIONS)
  disposition!: Disposition;
}

export class RiskAssessmentRequestDto {
  @ApiProperty({ type: RiskAnswersDto })
  @IsObject()
  @ValidateNested()
  @Type(() => RiskAnswersDto)
  answers!: RiskAnswersDto;
}
