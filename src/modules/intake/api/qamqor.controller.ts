import {
  applyDecorators,
  Body,
  Controller,
  Headers,
  HttpCode,
  Post,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NDJSON_ROUTE } from '../../../common/input-limits';
import { Public } from '../../../common/auth.decorators';
import { DomainError } from '../../../common/domain-error';
import {
  ReceiveReportCommand,
  type ReceiveReportResult,
} from '../application/commands/receive-report/receive-report.command';
import { type BatchResult, ReportBatchImporter } from '../application/report-batch';
import { QamqorReportDto } from './qamqor-report.dto';
import { rawBodyOf, ReportSignatureGuard } from './report-signature.guard';
import { ApiEndpoint } from '../../../common/openapi';
import { BatchResultResponseDto, QamqorReceiptResponseDto } from './call.response.dto';

const SignatureHeaders = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-Timestamp',
      required: true,
      description: 'unix seconds, within ±300 s of the server',
    }),
    ApiHeader({
      name: 'X-Signature',
      required: true,
      description: 'sha256=<hex HMAC-SHA256 of "<X-Timestamp>.<raw body>">',
    }),
  );

@ApiTags('intake')
@Controller('intake/qamqor')
@Public()
@SignatureHeaders()
@UseGuards(ReportSignatureGuard)
export class QamqorController {
  constructor(
    private readonly commands: CommandBus,
    private readonly batch: ReportBatchImporter,
  ) {}

  /** 201 {incidentId} for a new report; 200 {incidentId, duplicate: true} for one already seen. */
  @Post()
  @ApiEndpoint({
    summary: 'A signed report from qamqor.gov.kz: 201 new, 200 one already received',
    ok: { status: 201, type: QamqorReceiptResponseDto, description: 'a new incident' },
    errors: [
      [401, 'SIGNATURE_INVALID: missing, wrong or stale X-Signature / X-Timestamp'],
      [429, 'RATE_LIMITED: too many badly signed requests from this address'],
      [503, 'INTAKE_NOT_CONFIGURED (no QAMQOR_HMAC_SECRET) or DATABASE_UNAVAILABLE'],
    ],
  })
  @ApiResponse({ status: 200, type: QamqorReceiptResponseDto, description: 'already received' })
  async receive(
    @Body() body: QamqorReportDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ incidentId: string; duplicate?: true }> {
    const sha = createHash('sha256').update(rawBodyOf(request)).digest('hex');
    const result = await this.commands.execute<ReceiveReportCommand, ReceiveReportResult>(
      new ReceiveReportCommand('qamqor', body, sha),
    );
    if (result.duplicate) {
      void reply.status(200);
      return { incidentId: result.incidentId, duplicate: true };
    }
    void reply.status(201);
    return { incidentId: result.incidentId };
  }

  /** NDJSON, one report a line; each bad line is reported with its number and code, good ones kept. */
  @Post('batch')
  @RouteConfig(NDJSON_ROUTE)
  @HttpCode(200)
  @ApiEndpoint({
    summary: 'A signed NDJSON batch of reports; each bad line is reported, good ones kept',
    ok: { type: BatchResultResponseDto },
    errors: [
      [400, 'UNSUPPORTED_MEDIA_TYPE: not application/x-ndjson, or too many lines'],
      [401, 'SIGNATURE_INVALID: missing, wrong or stale X-Signature / X-Timestamp'],
      [413, 'Batch larger than 16 MiB (PAYLOAD_TOO_LARGE)'],
      [429, 'RATE_LIMITED: too many badly signed requests from this address'],
      [503, 'INTAKE_NOT_CONFIGURED (no QAMQOR_HMAC_SECRET) or DATABASE_UNAVAILABLE'],
    ],
  })
  @ApiConsumes('application/x-ndjson')
  async receiveBatch(
    @Req() request: FastifyRequest,
    @Headers('content-type') contentType?: string,
  ): Promise<BatchResult> {
    if (!contentType?.startsWith('application/x-ndjson') || typeof request.body !== 'string') {
      throw new DomainError(
        'UNSUPPORTED_MEDIA_TYPE',
        'unsupported_media_type',
        'A batch must be sent as application/x-ndjson',
      );
    }
    return this.batch.import('qamqor', request.body);
  }
}
