import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { ROLES } from '../../../common/roles';
import { IsOptionalNotNull } from '../../../common/validators';

export const CHANGE_STATUSES = ['pending', 'approved', 'rejected'] as const;

export class ListUserChangesQueryDto {
  @ApiPropertyOptional({ enum: CHANGE_STATUSES })
  @IsOptionalNotNull()
  @IsIn(CHANGE_STATUSES)
  status?: (typeof CHANGE_STATUSES)[number];
}

export class UserChangeSetDto {
  @ApiPropertyOptional({ enum: ROLES }) role?: string;
  @ApiPropertyOptional({ type: [String], format: 'uuid' }) districtIds?: string[];
  @ApiPropertyOptional() disabled?: boolean;
  @ApiPropertyOptional({ description: 'another user’s password is reset (never the password)' })
  passwordReset?: boolean;
}

export class PendingChangeResponseDto {
  @ApiProperty({ format: 'uuid' }) changeId!: string;
  @ApiProperty({ enum: ['pending'] }) status!: string;
}

export class UserChangeResponseDto {
  @ApiProperty({ format: 'uuid' }) changeId!: string;
  @ApiProperty({ enum: CHANGE_STATUSES }) status!: string;
  @ApiProperty({ enum: ['create', 'update'] }) kind!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String }) username!: string | null;
  @ApiProperty({ type: UserChangeSetDto }) changes!: UserChangeSetDto;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) proposedBy!: string | null;
  @ApiProperty({ format: 'date-time' }) proposedAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
}
