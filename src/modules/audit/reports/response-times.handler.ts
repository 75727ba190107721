import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { KZ_TIME_ZONE } from '@app/kz';
import { UnitOfWork } from '@app/persistence';
import { MAX_REPORT_GROUPS, ReportLimiter, reportTooLarge } from './report-limiter';
import {
  METRICS,
  type Percentiles,
  type ResponseTimesGroup,
  type ResponseTimesReport,
  ResponseTimesQuery,
  responseTimesGroupBound,
  responseTimesGroupCountSql,
  responseTimesSql,
  TARGETS,
} from './response-times.query';

type Row = Record<string, unknown> & { n: number; breach_count: number; breaches: string[] };

const share = (within: number, judged: number) => (judged === 0 ? null : within / judged);

/** Computed in PostgreSQL from the facts table; no incident rows reach Node. */
@QueryHandler(ResponseTimesQuery)
export class ResponseTimesHandler implements IQueryHandler<
  ResponseTimesQuery,
  ResponseTimesReport
> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly limiter: ReportLimiter,
  ) {}

  async execute(q: ResponseTimesQuery): Promise<ResponseTimesReport> {
    const { text, keys } = responseTimesSql(q.groupBy, q.period);
    const params: unknown[] = [
      q.from,
      q.to,
      q.districtIds,
      q.priority ?? null,
      q.source ?? null,
      q.breachLimit,
    ];
    if (keys.includes('period')) params.push(q.period);
    const rows = await this.limiter.transaction(this.uow, async (tx) => {
      // Counted first (no further than the cap) unless the parameters alone keep it within: a
      // report of hundreds of thousands of groups is refused before its percentiles are sorted.
      if (responseTimesGroupBound(q) > MAX_REPORT_GROUPS) {
        const countParams = [...params];
        countParams[5] = MAX_REPORT_GROUPS + 1;
        const [{ n }] = (await tx.query(responseTimesGroupCountSql(keys), countParams)) as Array<{
          n: number;
        }>;
        if (n > MAX_REPORT_GROUPS) throw reportTooLarge();
      }
      return (await tx.query(text, params)) as Row[];
    });
    const groups = rows.map((r) => toGroup(r, keys));
    return {
      from: q.from.toISOString(),
      to: q.to.toISOString(),
      groupBy: keys,
      period: keys.includes('period') ? q.period : null,
      timeZone: KZ_TIME_ZONE,
      breachListTruncated: groups.some(
        (g) => g.breaches.length < Math.min(g.breachCount, q.breachLimit),
      ),
      groups,
    };
  }
}

function toGroup(r: Row, keys: string[]): ResponseTimesGroup {
  const group: Partial<ResponseTimesGroup> = {};
  if (keys.includes('period')) {
    group.periodStart = (r.period_start as Date).toISOString();
    group.period = r.period_label as string;
  }
  if (keys.includes('district')) {
    group.districtId = r.district_id as string | null;
    group.districtName = (r.district_name as string | null) ?? null;
  }
  if (keys.includes('priority')) group.priority = r.priority as number;
  if (keys.includes('source')) group.source = r.source as string;
  group.count = r.n;
  for (const [column, field] of METRICS) {
    const p = (r[`${column}_p`] as number[] | null) ?? [null, null, null];
    const metric: Percentiles = {
      count: r[`${column}_n`] as number,
      p50: p[0] ?? null,
      p90: p[1] ?? null,
      p95: p[2] ?? null,
    };
    group[field] = metric;
  }
  const shares = {} as ResponseTimesGroup['withinTargetShare'];
  for (const [name] of TARGETS)
    shares[name] = share(r[`${name}_within`] as number, r[`${name}_judged`] as number);
  group.withinTargetShare = shares;
  group.breachCount = r.breach_count;
  group.breaches = r.breaches;
  return group as ResponseTimesGroup;
}
