import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

/** Crew steps dated in the past: further back than the policy allows, they need a reason. */
export class BackdatableDto {
  @ApiPropertyOptional({
    maxLength: 300,
    description: 'required when `at` is further back than the policy allows',
  })
  @IsOptional()
  @IsString()
  @MinLength(3)
  @MaxLength(300)
  backdateReason?: string;
}
