import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { GROUP_KEYS, PERIODS } from './reports.request.dto';

export class PercentilesDto {
  @ApiProperty({ description: 'Incidents of the group with both ends of the interval recorded' })
  count!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds; percentile_cont(0.5)' })
  p50!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds; percentile_cont(0.9)' })
  p90!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'seconds; percentile_cont(0.95)' })
  p95!: number | null;
}

export class WithinTargetShareDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'received→answered within target.answerSeconds (0..1; null: nothing measured)',
  })
  answer!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'answered→dispatched within target.dispatchSeconds',
  })
  dispatch!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'received→on scene within target.attendanceSecondsUrban',
  })
  attendance!: number | null;
}

export class ResponseTimesGroupDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Start of the period (when grouped by it)',
  })
  periodStart?: string;
  @ApiPropertyOptional({ example: '2026-Q3', description: 'The period in Asia/Almaty' })
  period?: string;
  @ApiPropertyOptional({ format: 'uuid', type: String, nullable: true }) districtId?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) districtName?: string | null;
  @ApiPropertyOptional({ minimum: 1, maximum: 4 }) priority?: number;
  @ApiPropertyOptional({ enum: ['call', 'qamqor', 'partner'] }) source?: string;
  @ApiProperty({ description: 'Incidents received in the group' }) count!: number;
  @ApiProperty({ type: PercentilesDto }) receivedToAnswered!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto }) answeredToDispatched!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto }) dispatchedToOnScene!: PercentilesDto;
  @ApiProperty({ type: PercentilesDto }) receivedToOnScene!: PercentilesDto;
  @ApiProperty({ type: WithinTargetShareDto }) withinTargetShare!: WithinTargetShareDto;
  @ApiProperty({ description: 'Incidents past any of their targets' }) breachCount!: number;
  @ApiProperty({
    type: String,
    format: 'uuid',
    isArray: true,
    description: 'The first breachLimit of them, earliest received first',
  })
  breaches!: string[];
}

export class ResponseTimesReportDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ enum: GROUP_KEYS, isArray: true }) groupBy!: string[];
  @ApiProperty({ enum: PERIODS, nullable: true, type: String }) period!: string | null;
  @ApiProperty({ example: 'Asia/Almaty' }) timeZone!: string;
  @ApiProperty({
    description:
      'A report lists at most 5,000 breaching incidents in all; true when that cut a group short',
  })
  breachListTruncated!: boolean;
  @ApiProperty({ type: ResponseTimesGroupDto, isArray: true }) groups!: ResponseTimesGroupDto[];
}

export class DeadlineComplianceRowDto {
  @ApiProperty({ format: 'uuid' }) districtId!: string;
  @ApiProperty() districtName!: string;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) inspectorId!: string | null;
  @ApiProperty({ type: String, nullable: true }) inspectorUsername!: string | null;
  @ApiProperty({ description: 'Orders whose service limit fell in the range' }) ordersDue!: number;
  @ApiProperty() ordersServedLate!: number;
  @ApiProperty({ description: 'Not served by the limit, which has passed' })
  ordersNeverServed!: number;
  @ApiProperty() checkInsDue!: number;
  @ApiProperty({ description: 'Not completed by their due time (completed late included)' })
  checkInsMissed!: number;
  @ApiProperty() checkInsCompletedLate!: number;
  @ApiProperty({ description: 'Alerts with an escalation threshold that fired in the range' })
  alertsWithThreshold!: number;
  @ApiProperty() alertsAcknowledgedLate!: number;
  @ApiProperty() alertsNeverAcknowledged!: number;
}

export class DeadlineComplianceReportDto {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: DeadlineComplianceRowDto, isArray: true }) rows!: DeadlineComplianceRowDto[];
}
