import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RuleSetRefDto } from '../../policy/api/policy.response.dto';
import { RISK_LEVELS } from '../../triage/domain/risk-assessment';

export class PossibleViolationDto {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
}

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
  @ApiPropertyOptional({
    type: PossibleViolationDto,
    description: 'The named offender has a protective order in force: this call may violate it',
  })
  possibleViolation?: PossibleViolationDto;
  @ApiProperty({ type: RuleSetRefDto }) ruleSet!: RuleSetRefDto;
}

export class FlagCodedResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ enum: [true] }) coded!: boolean;
  @ApiProperty({ enum: ['silent'] }) contactPolicy!: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
}

export class CallResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time' }) answeredAt!: string;
  @ApiProperty({ example: '+77015550011' }) callerPhone!: string;
  @ApiProperty({ type: String, nullable: true }) transcript!: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['ru', 'kk', 'en'] }) language!: string | null;
  @ApiProperty() coded!: boolean;
  @ApiProperty({ type: String, nullable: true, enum: ['dispatcher', 'passphrase'] })
  codedBy!: string | null;
  @ApiProperty() passphraseDetected!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) matchedPassphraseId!:
    string | null;
  @ApiProperty({ enum: ['normal', 'silent'] }) contactPolicy!: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
}

export class PassphraseResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Поступили антисептики, маски?' }) text!: string;
  @ApiProperty({ enum: ['ru', 'kk', 'en'] }) language!: string;
  @ApiProperty({ type: [String], nullable: true, description: 'null: every district' })
  districtIds!: string[] | null;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validTo!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ description: 'in force now' }) active!: boolean;
}

export class QamqorReceiptResponseDto {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiPropertyOptional({
    enum: [true],
    description: 'present (true) when the report was already received',
  })
  duplicate?: boolean;
}

export class BatchRejectionDto {
  @ApiProperty({ description: '1-based line number' }) line!: number;
  @ApiProperty({ example: 'VALIDATION_FAILED' }) code!: string;
  @ApiProperty() message!: string;
}

export class BatchResultResponseDto {
  @ApiProperty() accepted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty({ type: [BatchRejectionDto] }) rejected!: BatchRejectionDto[];
}
