import { ApiProperty } from '@nestjs/swagger';
import { RuleSetRefDto } from '../../policy/api/policy.response.dto';
import { RISK_LEVELS } from '../../triage/domain/risk-assessment';

const CONTACT_POLICIES = ['normal', 'silent'];

export class TimelineEntryDto {
  @ApiProperty({ example: 'IncidentOpened' }) type!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) actorId!: string | null;
}

export class IncidentHistoryDto {
  @ApiProperty() priorIncidents12m!: number;
  @ApiProperty() activeProtectiveOrders!: number;
  @ApiProperty() priorArrests!: number;
}

export class IncidentResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['call', 'qamqor', 'partner'] }) source!: string;
  @ApiProperty({ enum: ['open', 'dispatched', 'on_scene', 'cleared', 'closed'] }) status!: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() coded!: boolean;
  @ApiProperty({ enum: CONTACT_POLICIES }) contactPolicy!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty() address!: string;
  @ApiProperty({ required: false }) lat?: number;
  @ApiProperty({ required: false }) lon?: number;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: RuleSetRefDto }) ruleSet!: RuleSetRefDto;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline!: TimelineEntryDto[];
  @ApiProperty({ type: IncidentHistoryDto }) history!: IncidentHistoryDto;
}

export class AssignDistrictResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
}

export class CloseIncidentResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['closed'] }) status!: string;
  @ApiProperty() disposition!: string;
}

export class RiskAssessmentResponseDto {
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() coded!: boolean;
  @ApiProperty({ enum: CONTACT_POLICIES }) contactPolicy!: string;
}
