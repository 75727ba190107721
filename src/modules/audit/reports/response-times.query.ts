import { KZ_TIME_ZONE } from '@app/kz';
import { type Principal } from '../../../common/roles';
import { type GroupKey, type Period, SOURCES } from './reports.request.dto';

export class ResponseTimesQuery {
  constructor(
    readonly principal: Principal,
    readonly from: Date,
    readonly to: Date,
    readonly districtIds: string[],
    readonly groupBy: GroupKey[],
    readonly period: Period,
    readonly breachLimit: number,
    readonly priority?: number,
    readonly source?: string,
  ) {}
}

export interface Percentiles {
  /** Incidents of the group with both ends of this interval recorded. */
  count: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
}

export interface ResponseTimesGroup {
  periodStart?: string;
  period?: string;
  districtId?: string | null;
  districtName?: string | null;
  priority?: number;
  source?: string;
  count: number;
  receivedToAnswered: Percentiles;
  answeredToDispatched: Percentiles;
  dispatchedToOnScene: Percentiles;
  receivedToOnScene: Percentiles;
  withinTargetShare: { answer: number | null; dispatch: number | null; attendance: number | null };
  breachCount: number;
  breaches: string[];
}

export interface ResponseTimesReport {
  from: string;
  to: string;
  groupBy: GroupKey[];
  period: Period | null;
  timeZone: string;
  /** True when MAX_LISTED_BREACHES cut some group's list short of min(breachCount, breachLimit). */
  breachListTruncated: boolean;
  groups: ResponseTimesGroup[];
}

/**
 * At most this many breaching incidents are listed in one report (each listed one is written to
 * the access log: 100 per group over a national report's ~1,500 groups would be ~100,000 rows
 * and seconds of writing). Narrow the report (district, priority, period) for complete lists.
 */
export const MAX_LISTED_BREACHES = 5000;

/** Output order of the grouping columns, whatever order the caller named them in. */
const GROUP_ORDER: GroupKey[] = ['period', 'district', 'priority', 'source'];

const LABEL_FORMAT: Record<Period, string> = {
  day: 'YYYY-MM-DD',
  week: 'IYYY-"W"IW',
  month: 'YYYY-MM',
  quarter: 'YYYY-"Q"Q',
};

/** The four intervals: fact column → response field. */
export const METRICS = [
  ['answer_s', 'receivedToAnswered'],
  ['dispatch_s', 'answeredToDispatched'],
  ['travel_s', 'dispatchedToOnScene'],
  ['response_s', 'receivedToOnScene'],
] as const;

/** Each target compared with the interval it bounds, per incident (the rule set in force then). */
export const TARGETS = [
  ['answer', 'answer_s', 'answer_target_s'],
  ['dispatch', 'dispatch_s', 'dispatch_target_s'],
  ['attendance', 'response_s', 'attendance_target_s'],
] as const;

/** The facts a report reads: $1 from, $2 to, $3 district ids, $4 priority or null, $5 source or null. */
const FACTS_IN_RANGE = `FROM incident_response_facts f
      WHERE f.received_at >= $1 AND f.received_at < $2 AND f.district_id = ANY($3::uuid[])
        AND ($4::int IS NULL OR f.priority = $4) AND ($5::text IS NULL OR f.source = $5)`;

const zone = `'${KZ_TIME_ZONE}'`;

const GROUP_COLUMN: Record<GroupKey, string> = {
  period: `date_trunc($7, f.received_at, ${zone}) AS period_start`,
  district: 'f.district_id',
  priority: 'f.priority',
  source: 'f.source',
};

/**
 * How many groups the report would have, counted no further than $6 (pass the cap + 1): the same
 * parameters and grouping as `responseTimesSql`, without its percentiles. One pass over the
 * range's facts, before the expensive statement is started.
 */
export function responseTimesGroupCountSql(groupBy: GroupKey[]): string {
  const keys = GROUP_ORDER.filter((k) => groupBy.includes(k));
  return `
    SELECT count(*)::int AS n FROM (
      SELECT ${keys.map((k) => GROUP_COLUMN[k]).join(', ')}
      ${FACTS_IN_RANGE}
      GROUP BY ${keys.map((_, i) => i + 1).join(', ')}
      LIMIT $6
    ) g`;
}

/**
 * The most groups the report could have, from its parameters alone (every district, priority,
 * source and calendar period of the range present): when this is within the cap, counting
 * the groups in the database is skipped.
 */
export function responseTimesGroupBound(q: {
  from: Date;
  to: Date;
  districtIds: string[];
  groupBy: GroupKey[];
  period: Period;
  priority?: number;
  source?: string;
}): number {
  const days = (q.to.getTime() - q.from.getTime()) / 86_400_000;
  // Shortest calendar length of each period: a range touches at most this many of them, plus one.
  const shortest: Record<Period, number> = { day: 1, week: 7, month: 28, quarter: 89 };
  const factor: Record<GroupKey, number> = {
    period: Math.ceil(days / shortest[q.period]) + 1,
    district: q.districtIds.length,
    priority: q.priority === undefined ? 4 : 1,
    source: q.source === undefined ? SOURCES.length : 1,
  };
  return q.groupBy.reduce((n, k) => n * factor[k], 1);
}

/**
 * The report in one statement over incident_response_facts: percentile_cont (linear
 * interpolation) per group and interval, the share within each target, and the first
 * `breachLimit` breaching incidents by receipt (MAX_LISTED_BREACHES in all). Parameters: $1 from, $2 to, $3 district ids,
 * $4 priority or null, $5 source or null, $6 breach limit, then $7 the period when grouped by it.
 * Exported for the benchmark, which runs exactly this text.
 */
export function responseTimesSql(
  groupBy: GroupKey[],
  period: Period,
): { text: string; keys: GroupKey[] } {
  const keys = GROUP_ORDER.filter((k) => groupBy.includes(k));
  const column = GROUP_COLUMN;
  const percentiles = METRICS.map(
    ([c]) =>
      `count(f.${c})::int AS ${c}_n, percentile_cont(ARRAY[0.5, 0.9, 0.95]) WITHIN GROUP (ORDER BY f.${c}) AS ${c}_p`,
  );
  const shares = TARGETS.map(
    ([name, value, target]) =>
      `count(*) FILTER (WHERE f.${value} IS NOT NULL AND f.${target} IS NOT NULL)::int AS ${name}_judged,
       count(*) FILTER (WHERE f.${value} <= f.${target})::int AS ${name}_within`,
  );
  const innerNames = [
    ...keys.map((k) => (k === 'period' ? 'period_start' : column[k].slice(2))),
    'n',
    ...METRICS.flatMap(([c]) => [`${c}_n`, `${c}_p`]),
    ...TARGETS.flatMap(([name]) => [`${name}_judged`, `${name}_within`]),
    'breach_count',
  ];
  const order = keys.map((k) => (k === 'period' ? 'g.period_start' : `g.${column[k].slice(2)}`));
  // Listed so far (this group included), in the report's order: the whole report lists at most
  // MAX_LISTED_BREACHES, whatever breachLimit asks per group.
  const listedThrough = `sum(cardinality(g.breaches_all)) OVER (ORDER BY ${order.join(', ')} ROWS UNBOUNDED PRECEDING)`;
  const outer = [
    ...innerNames.map((n) => `g.${n}`),
    `g.breaches_all[1:GREATEST(0, LEAST(cardinality(g.breaches_all),
       ${MAX_LISTED_BREACHES} - (${listedThrough} - cardinality(g.breaches_all))))] AS breaches`,
    keys.includes('district') ? 'd.name AS district_name' : null,
    keys.includes('period')
      ? `to_char(g.period_start AT TIME ZONE ${zone}, '${LABEL_FORMAT[period]}') AS period_label`
      : null,
  ].filter((x): x is string => x !== null);
  const text = `
    SELECT ${outer.join(', ')} FROM (
      SELECT ${[...keys.map((k) => column[k]), 'count(*)::int AS n', ...percentiles, ...shares].join(',\n       ')},
        count(*) FILTER (WHERE f.breach)::int AS breach_count,
        COALESCE((array_agg(f.incident_id ORDER BY f.received_at, f.incident_id) FILTER (WHERE f.breach))[1:$6], '{}') AS breaches_all
      ${FACTS_IN_RANGE}
      GROUP BY ${keys.map((_, i) => i + 1).join(', ')}
    ) g${keys.includes('district') ? ' LEFT JOIN districts d ON d.id = g.district_id' : ''}
    ORDER BY ${order.join(', ')}`;
  return { text, keys };
}
