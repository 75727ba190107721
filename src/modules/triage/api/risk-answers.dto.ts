import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/** The structured yes/no risk questions; unknown keys are refused. */
export class RiskAnswersDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() weapon?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() strangulation?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() threatsToKill?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() injuries?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() pregnancy?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() childrenPresent?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() childrenHurt?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() escalation?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() alcoholOrDrugs?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() separation?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() stalking?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() priorOrderViolation?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() priorInjuryConviction?: boolean;
}
