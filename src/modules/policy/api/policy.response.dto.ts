import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Which effective-dated rule set a decision was made under. */
export class RuleSetRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2026-01' }) version!: string;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
}

export class RuleValueDto {
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }, { type: 'boolean' }],
    example: 15,
  })
  value!: number | string | boolean;
  @ApiPropertyOptional({ example: 'minutes' }) unit?: string;
  @ApiProperty({ example: 'Law of the RK No. 214-IV, art. 20' }) citation!: string;
  @ApiPropertyOptional({
    enum: ['H', 'M', 'L'],
    description: 'H primary text, M secondary, L unverified',
  })
  confidence?: 'H' | 'M' | 'L';
}

export class PolicyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'dispatch' }) kind!: string;
  @ApiProperty() version!: string;
  @ApiProperty({ format: 'date-time' }) validFrom!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validTo!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/RuleValueDto' },
    description: 'key → value with its unit and legal citation',
  })
  values!: Record<string, RuleValueDto>;
}

export class RuleSetVersionResponseDto extends PolicyResponseDto {
  @ApiProperty({
    type: [String],
    description: 'keys taken over unchanged from the previous version',
  })
  carriedOver!: string[];
}
