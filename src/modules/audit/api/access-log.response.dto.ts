import { ApiProperty } from '@nestjs/swagger';

export class AccessLogEntryResponseDto {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() username!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ enum: ['person', 'incident', 'call'] }) subjectType!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) subjectId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'iin' }) query!: string | null;
  @ApiProperty({ example: 'GET /api/v1/persons' }) endpoint!: string;
  @ApiProperty({ enum: ['granted', 'denied', 'not_found'] }) outcome!: string;
}
