import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Clock } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import { idParam } from '../../../common/id-pipe';
import { ApiEndpoint } from '../../../common/openapi';
import { PersonalData } from '../../../common/personal-data';
import type { Principal } from '../../../common/roles';
import { AccessLog, logScopedRead } from '../application/access-log';
import { type CheckpointHeader, CheckpointInvalidError } from './checkpoint';
import {
  CheckpointQueryDto,
  CheckpointResponseDto,
  IncidentEventsResponseDto,
  VerifyProgressResponseDto,
  VerifyQueryDto,
  VerifyResponseDto,
} from './integrity.dto';
import { IntegrityService } from './integrity.service';

const INCIDENT_STREAM = 'incident';

/** Tamper evidence for prosecutors: event streams with their hashes, verification, checkpoints. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class IntegrityController {
  constructor(
    private readonly integrity: IntegrityService,
    private readonly uow: UnitOfWork,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
  ) {}

  @Get('incidents/:id/events')
  @Roles('prosecutor')
  @PersonalData('incident')
  @ApiEndpoint({
    summary: "An incident's event stream with its hashes, verified now (the read is logged)",
    ok: { type: IncidentEventsResponseDto },
    errors: [404],
  })
  async events(
    @Param('id', idParam) id: string,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
  ): Promise<IncidentEventsResponseDto> {
    const db = this.uow.manager();
    const [incident] = (await db.query(`SELECT district_id FROM incidents WHERE id = $1`, [
      id,
    ])) as Array<{ district_id: string | null }>;
    // Prosecutors oversee incidents no district has claimed yet as well.
    await logScopedRead(this.accessLog, incident ? { districtId: incident.district_id } : null, {
      userId: user.id,
      districtIds: user.districtIds,
      unassignedVisible: true,
      ip: req.ip,
      subjectType: 'incident',
      subjectId: id,
      endpoint: 'GET /api/v1/audit/incidents/:id/events',
      what: 'Incident',
      at: this.clock.now(),
    });
    const rows = (await db.query(
      `SELECT position, stream_type, stream_version, type, payload, actor_id, occurred_at, recorded_at, prev_hash, hash
       FROM events WHERE stream_id = $1 AND stream_type = $2 ORDER BY stream_version`,
      [id, INCIDENT_STREAM],
    )) as Array<{
      position: string;
      stream_type: string;
      stream_version: number;
      type: string;
      payload: Record<string, unknown>;
      actor_id: string | null;
      occurred_at: Date;
      recorded_at: Date;
      prev_hash: string;
      hash: string;
    }>;
    const [head] = (await db.query(
      `SELECT version, hash FROM event_stream_heads WHERE stream_id = $1`,
      [id],
    )) as Array<{ version: number; hash: string }>;
    const verification = await this.integrity.verify(id);
    return {
      incidentId: id,
      streamType: INCIDENT_STREAM,
      headVersion: head?.version ?? null,
      headHash: head?.hash ?? null,
      verification,
      events: rows.map((r) => ({
        position: String(r.position),
        version: r.stream_version,
        type: r.type,
        payload: r.payload,
        actorId: r.actor_id,
        occurredAt: r.occurred_at.toISOString(),
        recordedAt: r.recorded_at.toISOString(),
        prevHash: r.prev_hash,
        hash: r.hash,
      })),
    };
  }

  @Get('verify')
  @Roles('prosecutor', 'admin')
  @ApiEndpoint({
    summary: 'Verify one stream or all against their hash chains, heads and the newest checkpoint',
    description:
      'With streamId: that stream, at once. Without: every stream, in one consistent snapshot; ' +
      'a second request while one runs joins it, and GET /audit/verify/progress shows how far it is.',
    ok: { type: VerifyResponseDto },
    errors: [[404, 'No stream with that id (NOT_FOUND)']],
  })
  async verify(@Query() q: VerifyQueryDto): Promise<VerifyResponseDto> {
    const streamId = q.streamId?.toLowerCase();
    const report = await this.integrity.verify(streamId);
    // A stream with neither events nor head, that no checkpoint names, does not exist.
    if (streamId !== undefined && report.streamsChecked === 0) throw DomainError.notFound('Stream');
    return report;
  }

  @Get('verify/progress')
  @Roles('prosecutor', 'admin')
  @ApiEndpoint({
    summary: 'How far the running (or last) verification of all streams got on this instance',
    ok: { type: VerifyProgressResponseDto },
  })
  progress(): VerifyProgressResponseDto {
    return this.integrity.currentProgress();
  }

  @Get('checkpoints/latest')
  @Roles('prosecutor', 'admin')
  @ApiEndpoint({
    summary: 'The newest signed checkpoint of every stream head',
    ok: { type: CheckpointResponseDto },
    errors: [
      [404, 'No checkpoint written yet (NOT_FOUND)'],
      [409, 'CHECKPOINT_INVALID'],
    ],
  })
  async latest(@Query() q: CheckpointQueryDto): Promise<CheckpointResponseDto> {
    let loaded;
    try {
      loaded = await this.integrity.latestCheckpoint();
    } catch (error) {
      if (error instanceof CheckpointInvalidError)
        throw new DomainError('CHECKPOINT_INVALID', 'conflict', error.message);
      throw error;
    }
    if (!loaded) throw DomainError.notFound('Checkpoint');
    const header: CheckpointHeader = loaded.header;
    return {
      sequence: header.sequence,
      createdAt: header.createdAt,
      previousCheckpointHash: header.previousCheckpointHash,
      headsDigest: header.headsDigest,
      streamCount: header.streamCount,
      eventCount: header.eventCount,
      keyId: header.keyId,
      signed: loaded.file.signed,
      signature: loaded.file.signature,
      ...(q.heads === 'false' ? {} : { heads: loaded.file.heads }),
    };
  }

  @Get('checkpoints/public-key')
  @Roles('prosecutor', 'admin')
  @ApiEndpoint({
    summary: 'The Ed25519 public key (PEM, SPKI) that checkpoints are signed with',
    ok: { mediaType: 'text/plain', description: 'PEM text' },
  })
  publicKey(@Res() reply: FastifyReply): void {
    void reply
      .header('content-type', 'text/plain; charset=utf-8')
      .send(this.integrity.publicKeyPem);
  }
}
