import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ok', 'unavailable'] }) status!: string;
  @ApiProperty({ enum: ['up', 'down'] }) database!: string;
  @ApiPropertyOptional({
    enum: ['applied', 'pending'],
    description: 'absent when the database is down',
  })
  migrations?: string;
}
