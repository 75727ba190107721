import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ALERT_KINDS } from '../domain/alert-kinds';

export class AlertSubjectDto {
  @ApiProperty({ example: 'protective_order' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class AlertResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ format: 'date-time' }) firedAt!: string;
  @ApiProperty({ type: AlertSubjectDto }) subject!: AlertSubjectDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty({ enum: ['open', 'acknowledged'] }) status!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) acknowledgedAt!:
    string | null;
}

export class DeadlineRuleDto {
  @ApiProperty({ format: 'uuid' }) ruleSetId!: string;
  @ApiProperty({ example: 'deadlines' }) kind!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ example: 'alert.orderNotServedHours' }) key!: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }],
    nullable: true,
  })
  value!: unknown;
  @ApiPropertyOptional() unit?: string;
  @ApiPropertyOptional() citation?: string;
}

export class DeadlineResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ALERT_KINDS }) kind!: string;
  @ApiProperty({ type: AlertSubjectDto }) subject!: AlertSubjectDto;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ enum: ['pending', 'fired', 'cancelled'] }) state!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) settledAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) settledReason!: string | null;
  @ApiProperty({ type: DeadlineRuleDto }) rule!: DeadlineRuleDto;
}
