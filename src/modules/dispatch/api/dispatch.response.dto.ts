import { ApiProperty } from '@nestjs/swagger';
import { RISK_LEVELS } from '../../triage/domain/risk-assessment';

const nullableTime = { format: 'date-time', nullable: true, type: String } as const;

export class AssignmentResponseDto {
  @ApiProperty({ format: 'uuid' }) assignmentId!: string;
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ enum: ['assigned', 'en_route', 'on_scene', 'cleared', 'cancelled'] })
  status!: string;
  @ApiProperty({ format: 'date-time' }) assignedAt!: string;
  @ApiProperty(nullableTime) enRouteAt!: string | null;
  @ApiProperty(nullableTime) onSceneAt!: string | null;
  @ApiProperty(nullableTime) clearedAt!: string | null;
  @ApiProperty(nullableTime) cancelledAt!: string | null;
}

export class CancelAssignmentResponseDto {
  @ApiProperty({ type: AssignmentResponseDto }) cancelled!: AssignmentResponseDto;
  @ApiProperty({
    type: AssignmentResponseDto,
    required: false,
    description: 'the crew sent instead (reassignTo)',
  })
  replacement?: AssignmentResponseDto;
}

export class UnitResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'AST-12' }) callSign!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ enum: ['available', 'dispatched', 'en_route', 'on_scene', 'off_duty'] })
  status!: string;
  @ApiProperty({ type: Number, nullable: true }) lat!: number | null;
  @ApiProperty({ type: Number, nullable: true }) lon!: number | null;
  @ApiProperty(nullableTime) locationAt!: string | null;
}

export class UnitLocationResponseDto extends UnitResponseDto {
  @ApiProperty({ description: 'false: an older position than the one held, not applied' })
  applied!: boolean;
}

export class RecommendationResponseDto {
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty() callSign!: string;
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty({ type: Number, nullable: true }) distanceMeters!: number | null;
  @ApiProperty({ type: Number, nullable: true }) locationAgeSeconds!: number | null;
  @ApiProperty({ description: 'false: listed only to say why it is not recommended' })
  eligible!: boolean;
  @ApiProperty() reason!: string;
}

export class QueueItemResponseDto {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty() coded!: boolean;
  @ApiProperty() waitingSeconds!: number;
  @ApiProperty({ description: 'waited past the policy limit for its priority' }) overdue!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty() address!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ enum: ['call', 'qamqor', 'partner'] }) source!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}
