import { Controller, Get, Query, Req, Res, type Type } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiProduces,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Clock } from '@app/kz';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import { ApiEndpoint } from '../../../common/openapi';
import type { Principal } from '../../../common/roles';
import { AccessLog } from '../application/access-log';
import {
  type DeadlineComplianceReport,
  DeadlineComplianceQuery,
} from './deadline-compliance.query';
import { MAX_REPORT_GROUPS, ReportLimiter } from './report-limiter';
import { reportDistricts, reportRange } from './report-range';
import { deadlineComplianceCsv, responseTimesCsv } from './report-csv';
import {
  DeadlineComplianceQueryDto,
  type GroupKey,
  ResponseTimesQueryDto,
} from './reports.request.dto';
import { DeadlineComplianceReportDto, ResponseTimesReportDto } from './reports.response.dto';
import { type ResponseTimesReport, ResponseTimesQuery } from './response-times.query';

/** The 200 answer as JSON (the DTO) or, with format=csv, as text/csv. */
const jsonOrCsv = (dto: Type<unknown>) =>
  ApiResponse({
    status: 200,
    description: 'The report as JSON, or as CSV with format=csv',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(dto) } },
      'text/csv': { schema: { type: 'string' } },
    },
  });

const CSV_NOTE =
  'format=csv answers text/csv; charset=utf-8 with a UTF-8 byte-order mark and ' +
  'Content-Disposition: attachment, one row per group.';

const LIMITS_NOTE =
  ' One report per user at a time and a few per server: more answer 429 (REPORT_IN_PROGRESS, ' +
  'REPORTS_BUSY) with Retry-After; a report whose SQL runs past REPORT_TIMEOUT_SECONDS is ' +
  'stopped: 503 REPORT_TIMEOUT.';

const LIMIT_ERRORS: Array<[number, string]> = [
  [
    429,
    'REPORT_IN_PROGRESS: another report of yours is running; REPORTS_BUSY: the server is at its report limit (Retry-After)',
  ],
  [
    503,
    'REPORT_TIMEOUT: the report ran past its time limit and was stopped; narrow it or try later',
  ],
];

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditReportsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly accessLog: AccessLog,
    private readonly clock: Clock,
    private readonly limiter: ReportLimiter,
  ) {}

  /**
   * Response times per group from the incident_response_facts summary. The breaching incidents it
   * lists are written to the access log (one entry each) before the report is returned.
   */
  @Get('response-times')
  @Roles('prosecutor', 'supervisor')
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(ResponseTimesReportDto)
  @jsonOrCsv(ResponseTimesReportDto)
  @ApiEndpoint({
    summary:
      'Response times (p50/p90/p95 in seconds), share within target and breaching incidents, per group',
    description:
      'Groups by district, priority, source and period (Asia/Almaty). Intervals: received→answered, ' +
      'answered→dispatched (first crew), dispatched→on scene, received→on scene; each incident is ' +
      'judged against the targets of the dispatch rule set in force when it was received. ' +
      CSV_NOTE +
      ` At most ${MAX_REPORT_GROUPS} groups: more answer 422 REPORT_TOO_LARGE (field groupBy); ` +
      'narrow the range, grouping or filters.' +
      LIMITS_NOTE,
    ok: { type: ResponseTimesReportDto },
    errors: [
      [422, `REPORT_TOO_LARGE: more than ${MAX_REPORT_GROUPS} groups; narrow the report`],
      ...LIMIT_ERRORS,
    ],
  })
  async responseTimes(
    @Query() q: ResponseTimesQueryDto,
    @CurrentUser() user: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ResponseTimesReport | string> {
    const { from, to } = reportRange(q.from, q.to);
    const districts = reportDistricts(user, q.districtId);
    const groupBy = (q.groupBy ?? `district,priority,source${q.period ? ',period' : ''}`).split(
      ',',
    ) as GroupKey[];
    return this.limiter.run(user.id, async () => {
      const report = await this.queries.execute<ResponseTimesQuery, ResponseTimesReport>(
        new ResponseTimesQuery(
          user,
          from,
          to,
          districts,
          groupBy,
          q.period ?? 'month',
          q.breachLimit ?? 100,
          q.priority,
          q.source,
        ),
      );
      await this.accessLog.recordEach(
        {
          userId: user.id,
          ip: req.ip,
          subjectType: 'incident',
          query: 'response-times',
          endpoint: 'GET /api/v1/audit/response-times',
          outcome: 'granted',
          at: this.clock.now(),
        },
        [...new Set(report.groups.flatMap((g) => g.breaches))],
      );
      return q.format === 'csv' ? responseTimesCsv(reply, report) : report;
    });
  }

  @Get('deadline-compliance')
  @Roles('prosecutor', 'supervisor')
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(DeadlineComplianceReportDto)
  @jsonOrCsv(DeadlineComplianceReportDto)
  @ApiEndpoint({
    summary:
      'Orders served late or never, check-ins missed, alerts acknowledged late, by district and inspector',
    description:
      'Obligations that fell due in [from, to) (alerts: that fired), each judged against the limit ' +
      'its deadline was given under. ' +
      CSV_NOTE +
      LIMITS_NOTE,
    ok: { type: DeadlineComplianceReportDto },
    errors: LIMIT_ERRORS,
  })
  async deadlineCompliance(
    @Query() q: DeadlineComplianceQueryDto,
    @CurrentUser() user: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeadlineComplianceReport | string> {
    const { from, to } = reportRange(q.from, q.to);
    const districts = reportDistricts(user, q.districtId);
    return this.limiter.run(user.id, async () => {
      const report = await this.queries.execute<DeadlineComplianceQuery, DeadlineComplianceReport>(
        new DeadlineComplianceQuery(user, from, to, districts, this.clock.now()),
      );
      return q.format === 'csv' ? deadlineComplianceCsv(reply, report) : report;
    });
  }
}
