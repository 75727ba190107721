import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import { type DeadlineComplianceReport } from './deadline-compliance.query';
import { METRICS, type ResponseTimesReport } from './response-times.query';

/**
 * CSV for spreadsheets: csv-stringify quotes what needs quoting, and the UTF-8 byte-order mark
 * makes Excel read Cyrillic district names as UTF-8 instead of the local code page.
 */
export function sendCsv(
  reply: FastifyReply,
  name: string,
  columns: string[],
  rows: unknown[][],
): string {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`);
  // escape_formulas: a cell starting with = + - @ is not run as a formula by the spreadsheet.
  return stringify(rows, { bom: true, header: true, columns, escape_formulas: true });
}

const fileStamp = (r: { from: string; to: string }) =>
  `${r.from.slice(0, 10)}_${r.to.slice(0, 10)}`;

export function responseTimesCsv(reply: FastifyReply, r: ResponseTimesReport): string {
  const keys = r.groupBy;
  const columns = [
    ...(keys.includes('period') ? ['period', 'period_start'] : []),
    ...(keys.includes('district') ? ['district_id', 'district_name'] : []),
    ...(keys.includes('priority') ? ['priority'] : []),
    ...(keys.includes('source') ? ['source'] : []),
    'count',
    ...METRICS.flatMap(([column]) => ['n', 'p50', 'p90', 'p95'].map((s) => `${column}_${s}`)),
    'within_target_answer',
    'within_target_dispatch',
    'within_target_attendance',
    'breach_count',
    'breaches',
  ];
  const rows = r.groups.map((g) => [
    ...(keys.includes('period') ? [g.period, g.periodStart] : []),
    ...(keys.includes('district') ? [g.districtId, g.districtName] : []),
    ...(keys.includes('priority') ? [g.priority] : []),
    ...(keys.includes('source') ? [g.source] : []),
    g.count,
    ...METRICS.flatMap(([, field]) => [g[field].count, g[field].p50, g[field].p90, g[field].p95]),
    g.withinTargetShare.answer,
    g.withinTargetShare.dispatch,
    g.withinTargetShare.attendance,
    g.breachCount,
    g.breaches.join(' '),
  ]);
  return sendCsv(reply, `response-times_${fileStamp(r)}`, columns, rows);
}

export function deadlineComplianceCsv(reply: FastifyReply, r: DeadlineComplianceReport): string {
  const columns = [
    'district_id',
    'district_name',
    'inspector_id',
    'inspector_username',
    'orders_due',
    'orders_served_late',
    'orders_never_served',
    'check_ins_due',
    'check_ins_missed',
    'check_ins_completed_late',
    'alerts_with_threshold',
    'alerts_acknowledged_late',
    'alerts_never_acknowledged',
  ];
  const rows = r.rows.map((x) => [
    x.districtId,
    x.districtName,
    x.inspectorId,
    x.inspectorUsername,
    x.ordersDue,
    x.ordersServedLate,
    x.ordersNeverServed,
    x.checkInsDue,
    x.checkInsMissed,
    x.checkInsCompletedLate,
    x.alertsWithThreshold,
    x.alertsAcknowledgedLate,
    x.alertsNeverAcknowledged,
  ]);
  return sendCsv(reply, `deadline-compliance_${fileStamp(r)}`, columns, rows);
}
