import { ApiProperty } from '@nestjs/swagger';

/** Not filled yet: the enforcement capability adds these records; today the lists are empty. */
const enforcementRecords = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: true,
    description: 'an enforcement record (filled by the enforcement capability)',
  },
} as const;

export class PersonIncidentResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['call', 'qamqor', 'partner'] }) source!: string;
  @ApiProperty({ enum: ['open', 'dispatched', 'on_scene', 'cleared', 'closed'] }) status!: string;
  @ApiProperty({ minimum: 1, maximum: 4 }) priority!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) districtId!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: [String], example: ['victim'] }) roles!: string[];
}

export class PersonHistoryResponseDto {
  @ApiProperty({ type: [PersonIncidentResponseDto] }) incidents!: PersonIncidentResponseDto[];
  @ApiProperty(enforcementRecords) warnings!: unknown[];
  @ApiProperty(enforcementRecords) protectiveOrders!: unknown[];
  @ApiProperty(enforcementRecords) arrests!: unknown[];
  @ApiProperty(enforcementRecords) specialRequirements!: unknown[];
  @ApiProperty({
    ...enforcementRecords,
    description:
      'preventive registration: category (protective_order, special_requirements, official_warning), from, until, endedAt, endedReason',
  })
  registration!: unknown[];
  @ApiProperty({ ...enforcementRecords, description: 'check-ins: subject, dueAt, status, outcome' })
  checkIns!: unknown[];
}

export class SafeContactEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['phone', 'trusted_person', 'crisis_centre'] }) channel!: string;
  @ApiProperty({ description: 'the number, trusted person or crisis centre she agreed to' })
  value!: string;
  @ApiProperty({ format: 'date-time' }) consentAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) withdrawnAt!: string | null;
}

export class PersonResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true, example: '791028302728' }) iin!: string | null;
  @ApiProperty({ type: String, nullable: true }) fullName!: string | null;
  @ApiProperty({ type: String, nullable: true }) phone!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) birthDate!: string | null;
  @ApiProperty({
    type: [SafeContactEntryDto],
    description:
      'newest first; the newest not withdrawn is the only address notifications to her use',
  })
  safeContacts!: SafeContactEntryDto[];
  @ApiProperty({ type: PersonHistoryResponseDto }) history!: PersonHistoryResponseDto;
}
