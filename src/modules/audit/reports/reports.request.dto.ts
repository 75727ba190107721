import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { IsTimestamp } from '../../../common/validators';

export const REPORT_FORMATS = ['json', 'csv'] as const;
export const PERIODS = ['day', 'week', 'month', 'quarter'] as const;
export const GROUP_KEYS = ['district', 'priority', 'source', 'period'] as const;
export const SOURCES = ['call', 'qamqor', 'partner'] as const;
export type Period = (typeof PERIODS)[number];
export type GroupKey = (typeof GROUP_KEYS)[number];

/** `from` (inclusive) and `to` (exclusive), both instants with an offset. */
export class ReportRangeDto {
  @ApiProperty({ format: 'date-time', example: '2026-07-01T00:00:00+05:00' })
  @IsTimestamp()
  from!: string;

  @ApiProperty({ format: 'date-time', example: '2026-10-01T00:00:00+05:00' })
  @IsTimestamp()
  to!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'One of your districts (403 otherwise)' })
  @IsOptional()
  @IsUUID()
  districtId?: string;

  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: (typeof REPORT_FORMATS)[number];
}

export class ResponseTimesQueryDto extends ReportRangeDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 4 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(4)
  priority?: number;

  @ApiPropertyOptional({ enum: SOURCES })
  @IsOptional()
  @IsIn(SOURCES)
  source?: (typeof SOURCES)[number];

  @ApiPropertyOptional({
    description:
      'Comma-separated subset of district, priority, source, period; default district,priority,source ' +
      '(plus period when `period` is given)',
    example: 'district,priority,source,period',
  })
  @IsOptional()
  @Matches(/^(district|priority|source|period)(,(district|priority|source|period)){0,3}$/, {
    message: 'groupBy must be a comma-separated list of district, priority, source, period',
  })
  groupBy?: string;

  @ApiPropertyOptional({
    enum: PERIODS,
    description: 'Calendar periods in Asia/Almaty (weeks start on Monday); default month',
  })
  @IsOptional()
  @IsIn(PERIODS)
  period?: Period;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 1000,
    default: 100,
    description:
      'Breaching incident ids listed per group (earliest received first); breachCount counts all',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  breachLimit?: number;
}

export class DeadlineComplianceQueryDto extends ReportRangeDto {}
