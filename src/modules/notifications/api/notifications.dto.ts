import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  NOTIFICATION_KINDS,
  NOTIFICATION_STATUSES,
  type NotificationStatus,
} from '../domain/notification';

export class ListNotificationsQueryDto {
  @ApiPropertyOptional({
    enum: NOTIFICATION_STATUSES,
    description: '`dead` is the dead-letter list: retries ran out',
  })
  @IsOptional()
  @IsIn([...NOTIFICATION_STATUSES])
  status?: NotificationStatus;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class NotificationRefDto {
  @ApiProperty({ example: 'arrest' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class NotificationPayloadDto {
  @ApiProperty({ format: 'uuid' }) notificationId!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ enum: ['sms', 'crisis_centre'] }) channel!: string;
  @ApiPropertyOptional({ example: '+7701*****67', description: 'masked' }) to?: string;
  @ApiPropertyOptional({ example: 'Crisi*****re', description: 'masked' }) centre?: string;
  @ApiProperty({ format: 'uuid' }) caseRef!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() text!: string;
}

export class NotificationResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ enum: NOTIFICATION_STATUSES }) status!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'no_safe_contact',
    description:
      'why nothing was sent: no_safe_contact, coded_call_number, unusable_contact, or the missing setting',
  })
  reason!: string | null;
  @ApiProperty({ enum: ['sms', 'crisis_centre'], nullable: true, type: String }) channel!:
    string | null;
  @ApiProperty({ type: NotificationRefDto }) subject!: NotificationRefDto;
  @ApiProperty({ type: NotificationRefDto, description: 'the alert or order that caused it' })
  source!: NotificationRefDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty() attempts!: number;
  @ApiProperty() replays!: number;
  @ApiProperty({ type: String, nullable: true, example: 'HTTP 503' }) lastError!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastAttemptAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: NotificationPayloadDto, nullable: true })
  payload!: NotificationPayloadDto | null;
}
