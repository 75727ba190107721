import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EnforcementRuleSetRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ example: '2026.1' }) version!: string;
}

export class OrderViolationDto {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ example: 'КоАП РК Art. 461' }) caseArticle!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class ProtectiveOrderResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ enum: ['issued', 'served', 'expired', 'revoked'] }) status!: string;
  @ApiProperty() termDays!: number;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) servedAt!: string | null;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'null until served when the rule set runs the term from delivery',
  })
  expiresAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) revokedAt!: string | null;
  @ApiProperty({ type: [String] }) prohibitions!: string[];
  @ApiProperty() victimOpinion!: string;
  @ApiProperty({ type: EnforcementRuleSetRefDto }) ruleSet!: EnforcementRuleSetRefDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextCheckDueAt!:
    string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  nextRiskReviewDueAt!: string | null;
  @ApiProperty({ description: 'penalised within the rule set’s window before this order' })
  repeatOffender!: boolean;
  @ApiProperty({ type: [OrderViolationDto] }) violations!: OrderViolationDto[];
}

export class WarningResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ format: 'date-time' }) validUntil!: string;
  @ApiProperty() repeatOffender!: boolean;
  @ApiProperty({ type: EnforcementRuleSetRefDto }) ruleSet!: EnforcementRuleSetRefDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextCheckDueAt!:
    string | null;
}

export class ArrestResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty() days!: number;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) releaseAt!: string;
  @ApiProperty() repeatOffender!: boolean;
  @ApiProperty({ type: EnforcementRuleSetRefDto }) ruleSet!: EnforcementRuleSetRefDto;
}

export class SpecialRequirementsResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ format: 'date-time' }) endsAt!: string;
  @ApiProperty() months!: number;
  @ApiProperty() checkInsPerMonth!: number;
  @ApiProperty({ type: [String] }) prohibitions!: string[];
  @ApiProperty({ type: EnforcementRuleSetRefDto }) ruleSet!: EnforcementRuleSetRefDto;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) nextCheckDueAt!:
    string | null;
}

export class SubjectRefDto {
  @ApiProperty({ example: 'protective_order' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class CheckInResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: SubjectRefDto }) subject!: SubjectRefDto;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['due', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) outcome!: string | null;
}

export class SafeContactResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ enum: ['phone', 'trusted_person', 'crisis_centre'] }) channel!: string;
  @ApiProperty({ format: 'date-time' }) consentAt!: string;
}
