import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export class VerifyQueryDto {
  /** A stream id: an incident's, an order's, a crew's… (ids are UUIDs, user streams too). */
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Verify this stream only (synchronous, bounded); 404 when no such stream',
  })
  @IsOptional()
  @IsUUID('all')
  streamId?: string;
}

export class CheckpointQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'true',
    description: 'false leaves out the head list (large: about 110 bytes per stream)',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  heads?: 'true' | 'false';
}

const REASONS = [
  'missing_event',
  'prev_hash_mismatch',
  'hash_mismatch',
  'head_mismatch',
  'missing_stream',
  'shorter_than_checkpoint',
  'checkpoint_hash_mismatch',
  'not_in_checkpoint',
];

export class BrokenLinkDto {
  @ApiProperty() streamId!: string;
  @ApiProperty({ description: 'The first version that does not check out' }) version!: number;
  @ApiProperty({ enum: REASONS }) reason!: string;
}

export class CheckpointSummaryDto {
  @ApiProperty() sequence!: number;
  @ApiProperty({ format: 'date-time', description: 'Empty when the checkpoint is unreadable' })
  createdAt!: string;
  @ApiProperty() streamCount!: number;
  @ApiProperty() eventCount!: number;
  @ApiPropertyOptional({
    enum: [
      'malformed',
      'signature_invalid',
      'heads_digest_mismatch',
      'chain_broken',
      'checkpoint_missing',
    ],
    description:
      'Set when the checkpoints cannot be trusted: a file altered, a link between two broken, ' +
      'or a file gone (a gap, or fewer than this instance has seen)',
  })
  problem?: string;
  @ApiPropertyOptional({ description: 'The checkpoint sequence the problem is at' })
  problemSequence?: number;
}

export class VerifyResponseDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty() streamsChecked!: number;
  @ApiProperty() eventsChecked!: number;
  @ApiPropertyOptional({ type: BrokenLinkDto }) firstBrokenAt?: BrokenLinkDto;
  @ApiProperty({
    type: CheckpointSummaryDto,
    nullable: true,
    description: 'The signed checkpoint the database was checked against; null when none yet',
  })
  checkpoint!: CheckpointSummaryDto | null;
  @ApiProperty() durationMs!: number;
}

export class VerifyProgressResponseDto {
  @ApiProperty() running!: boolean;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) startedAt!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) finishedAt!: string | null;
  @ApiProperty() streamsChecked!: number;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty() streamsPerSecond!: number;
  @ApiProperty() eventsPerSecond!: number;
  @ApiProperty({ type: VerifyResponseDto, nullable: true }) result!: VerifyResponseDto | null;
}

export class StreamEventDto {
  @ApiProperty({ description: 'Global order of appends' }) position!: string;
  @ApiProperty() version!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) actorId!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: 'sha256 hex of the previous event (64 zeros for the first)' })
  prevHash!: string;
  @ApiProperty({ description: 'sha256(prevHash ‖ RFC 8785 canonical event), hex' })
  hash!: string;
}

export class IncidentEventsResponseDto {
  @ApiProperty({ format: 'uuid' }) incidentId!: string;
  @ApiProperty() streamType!: string;
  @ApiProperty({ type: Number, nullable: true }) headVersion!: number | null;
  @ApiProperty({ type: String, nullable: true }) headHash!: string | null;
  @ApiProperty({ type: VerifyResponseDto, description: 'This stream verified now' })
  verification!: VerifyResponseDto;
  @ApiProperty({ type: StreamEventDto, isArray: true }) events!: StreamEventDto[];
}

export class CheckpointResponseDto {
  @ApiProperty() sequence!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() previousCheckpointHash!: string;
  @ApiProperty() headsDigest!: string;
  @ApiProperty() streamCount!: number;
  @ApiProperty() eventCount!: number;
  @ApiProperty({ description: 'sha256 of the signing public key (SPKI DER), hex' }) keyId!: string;
  @ApiProperty({ description: 'The exact bytes signed: canonical JSON of the header' })
  signed!: string;
  @ApiProperty({ description: 'Ed25519 signature of `signed`, base64' }) signature!: string;
  @ApiPropertyOptional({
    description: '[streamId, version, hash] per stream, sorted by streamId',
    type: 'array',
    items: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } },
  })
  heads?: Array<[string, number, string]>;
}
