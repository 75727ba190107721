import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RISK_LEVELS } from '../../triage/domain/risk-assessment';

export class RegisterCallResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty() coded!: boolean;
  @ApiProperty() passphraseDetected!: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) matchedPassphraseId?: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ enum: ['normal', 'silent'] }) contactPolicy!: string;
  @ApiProperty() ruleSet!: { id: string; version: string; validFrom: string };
}
