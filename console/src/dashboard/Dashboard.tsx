import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get, getBlob } from '../api';
import { dateTime, number } from '../format';
import { lang, t, type Key } from '../i18n';
import type { User } from '../session';
import type { District } from '../types';
import { BarChart } from './BarChart';
import type {
  Checkpoint,
  ComplianceReport,
  Interval,
  Policy,
  ResponseGroup,
  ResponseTimesReport,
  VerifyResult,
} from './report-types';

/** Kazakhstan time: a day of the report starts at 00:00 +05:00. */
const KZ_OFFSET = '+05:00';

function kzToday(): string {
  // en-CA formats as YYYY-MM-DD.
  return new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Almaty' });
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The chosen days, `to` included, as the report's instants (`to` exclusive). */
export function rangeOf(fromDay: string, toDay: string): { from: string; to: string } {
  return {
    from: `${fromDay}T00:00:00${KZ_OFFSET}`,
    to: `${addDays(toDay, 1)}T00:00:00${KZ_OFFSET}`,
  };
}

const INTERVALS: Array<{ key: Interval; label: Key; target: string | null }> = [
  {
    key: 'receivedToOnScene',
    label: 'measure_receivedToOnScene',
    target: 'target.attendanceSecondsUrban',
  },
  {
    key: 'answeredToDispatched',
    label: 'measure_answeredToDispatched',
    target: 'target.dispatchSeconds',
  },
  {
    key: 'receivedToAnswered',
    label: 'measure_receivedToAnswered',
    target: 'target.answerSeconds',
  },
  { key: 'dispatchedToOnScene', label: 'measure_dispatchedToOnScene', target: null },
];

function groupLabel(g: ResponseGroup): string {
  return [g.districtName ?? '—', g.priority ? `P${g.priority}` : null].filter(Boolean).join(' · ');
}

function problem(err: unknown): string {
  return err instanceof ApiError
    ? t('notAvailable', { code: err.code })
    : t('error', { code: '?' });
}

/** The dispatch rule set's value of `key` in force at `at` (the report's end). */
function targetAt(policies: Policy[] | null, key: string, at: string): number | null {
  if (!policies) return null;
  const inForce = policies
    .filter((p) => p.kind === 'dispatch' && p.validFrom <= at && (!p.validTo || p.validTo > at))
    .sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];
  const v = inForce?.values?.[key]?.value;
  return typeof v === 'number' ? v : null;
}

export function Dashboard({ me }: { me: User }) {
  const today = kzToday();
  const [districts, setDistricts] = useState<District[]>([]);
  const [form, setForm] = useState({
    from: addDays(today, -29),
    to: today,
    districtId: '',
    priority: '',
  });
  const [applied, setApplied] = useState(form);
  const [measure, setMeasure] = useState<Interval>('receivedToOnScene');
  const [report, setReport] = useState<ResponseTimesReport | null>(null);
  const [reportError, setReportError] = useState<string | null>(null);
  const [compliance, setCompliance] = useState<ComplianceReport | null>(null);
  const [complianceError, setComplianceError] = useState<string | null>(null);
  const [policies, setPolicies] = useState<Policy[] | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    void get<District[]>('/districts').then((all) =>
      setDistricts(all.filter((d) => me.districtIds.includes(d.id))),
    );
    void get<Policy[]>('/policies')
      .then(setPolicies)
      .catch(() => setPolicies(null));
  }, [me.districtIds]);

  const range = rangeOf(applied.from, applied.to);
  const query = {
    ...range,
    districtId: applied.districtId || undefined,
  };

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    setReportError(null);
    setComplianceError(null);
    const reportRead = get<ResponseTimesReport>('/audit/response-times', {
      ...query,
      priority: applied.priority || undefined,
      groupBy: 'district,priority',
    })
      .then((r) => !cancelled && setReport(r))
      .catch((err: unknown) => {
        if (cancelled) return;
        setReport(null);
        setReportError(problem(err));
      });
    // One report at a time: the service runs one report per user at once (429 REPORT_IN_PROGRESS).
    const complianceRead = reportRead
      .then(() => get<ComplianceReport>('/audit/deadline-compliance', query))
      .then((r) => !cancelled && setCompliance(r))
      .catch((err: unknown) => {
        if (cancelled) return;
        setCompliance(null);
        setComplianceError(problem(err));
      });
    void Promise.all([reportRead, complianceRead]).finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [applied]);

  const groups = useMemo(
    () => (report?.groups ?? []).filter((g) => g[measure].count > 0 || g.count > 0),
    [report, measure],
  );
  const labels = groups.map(groupLabel);
  const chosen = INTERVALS.find((i) => i.key === measure)!;
  const target = chosen.target ? targetAt(policies, chosen.target, range.to) : null;

  const downloadCsv = async () => {
    try {
      const blob = await getBlob('/audit/response-times', {
        ...query,
        priority: applied.priority || undefined,
        groupBy: 'district,priority',
        format: 'csv',
      });
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = `response-times_${applied.from}_${applied.to}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (err) {
      setReportError(problem(err));
    }
  };

  return (
    <main class="dashboard" aria-label={t('dashboard')}>
      <form
        class="filters panel"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...form });
        }}
      >
        <h2 class="sr-only">{t('period')}</h2>
        <label>
          <span>{t('from')}</span>
          <input
            type="date"
            name="from"
            required
            max={form.to}
            value={form.from}
            onInput={(e) => setForm({ ...form, from: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label>
          <span>{t('to')}</span>
          <input
            type="date"
            name="to"
            required
            min={form.from}
            value={form.to}
            onInput={(e) => setForm({ ...form, to: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label>
          <span>{t('district')}</span>
          <select
            name="district"
            value={form.districtId}
            onChange={(e) =>
              setForm({ ...form, districtId: (e.currentTarget as HTMLSelectElement).value })
            }
          >
            <option value="">{t('allDistricts')}</option>
            {districts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.region} · {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>{t('priority')}</span>
          <select
            name="priority"
            value={form.priority}
            onChange={(e) =>
              setForm({ ...form, priority: (e.currentTarget as HTMLSelectElement).value })
            }
          >
            <option value="">{t('anyPriority')}</option>
            {[1, 2, 3, 4].map((p) => (
              <option key={p} value={String(p)}>
                P{p}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t('show')}
        </button>
        <button type="button" onClick={downloadCsv}>
          {t('downloadCsv')}
        </button>
        <span role="status" class="muted">
          {loading ? t('loading') : ''}
        </span>
      </form>

      <section class="panel wide" aria-labelledby="rt-title" data-testid="response-times">
        <h2 id="rt-title">{t('responseTimes')}</h2>
        <fieldset class="intervals">
          <legend class="sr-only">{t('group')}</legend>
          {INTERVALS.map((i) => (
            <label key={i.key} class="radio">
              <input
                type="radio"
                name="interval"
                value={i.key}
                checked={measure === i.key}
                onChange={() => setMeasure(i.key)}
              />
              {t(i.label)}
            </label>
          ))}
        </fieldset>
        {reportError && (
          <p class="error" role="alert">
            {reportError}
          </p>
        )}
        {report && groups.length === 0 && <p class="muted">{t('noData')}</p>}
        {report && groups.length > 0 && (
          <div class="charts">
            <BarChart
              id="percentiles"
              title={`${t('percentiles')}: ${t(chosen.label)}`}
              unit={t('seconds')}
              labels={labels}
              series={[
                { label: t('p50'), values: groups.map((g) => g[measure].p50), color: '#5b8def' },
                { label: t('p90'), values: groups.map((g) => g[measure].p90), color: '#1b2a41' },
                { label: t('p95'), values: groups.map((g) => g[measure].p95), color: '#9aa5b1' },
                ...(target === null
                  ? []
                  : [
                      {
                        label: `${t('target')} (${number(target)} ${t('seconds')})`,
                        values: groups.map(() => target),
                        color: '#b3261e',
                        kind: 'line' as const,
                      },
                    ]),
              ]}
            />
            <BarChart
              id="within-target"
              title={t('distribution')}
              unit="%"
              labels={labels}
              series={(
                [
                  ['answer', 'measure_receivedToAnswered', '#9aa5b1'],
                  ['dispatch', 'measure_answeredToDispatched', '#5b8def'],
                  ['attendance', 'measure_receivedToOnScene', '#1b2a41'],
                ] as const
              ).map(([key, label, color]) => ({
                label: t(label),
                values: groups.map((g) => {
                  const share = g.withinTargetShare[key];
                  return share === null ? null : Math.round(share * 1000) / 10;
                }),
                color,
              }))}
            />
          </div>
        )}
      </section>

      <section class="panel" aria-labelledby="breaches-title" data-testid="breaches">
        <h2 id="breaches-title">
          {t('breaches')}{' '}
          {report && (
            <span class="count">{report.groups.reduce((n, g) => n + g.breachCount, 0)}</span>
          )}
        </h2>
        {report &&
          (report.groups.every((g) => g.breachCount === 0) ? (
            <p class="muted">{t('breachesEmpty')}</p>
          ) : (
            <div class="scroll tall">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('group')}</th>
                    <th scope="col">{t('count')}</th>
                    <th scope="col">{t('incident')}</th>
                  </tr>
                </thead>
                <tbody>
                  {report.groups
                    .filter((g) => g.breachCount > 0)
                    .map((g) => (
                      <tr key={groupLabel(g)}>
                        <th scope="row">{groupLabel(g)}</th>
                        <td>{g.breachCount}</td>
                        <td>
                          <ul class="ids mono">
                            {g.breaches.map((id) => (
                              <li key={id}>{id}</li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>

      <div class="stack">
        <section class="panel" aria-labelledby="compliance-title" data-testid="compliance">
          <h2 id="compliance-title">{t('deadlineCompliance')}</h2>
          {complianceError && (
            <p class="error" role="alert">
              {complianceError}
            </p>
          )}
          {compliance &&
            (compliance.rows.length === 0 ? (
              <p class="muted">{t('noData')}</p>
            ) : (
              <div class="scroll tall">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{t('district')}</th>
                      <th scope="col">{t('ordersServedLate')}</th>
                      <th scope="col">{t('checkInsMissed')}</th>
                      <th scope="col">{t('alertsAcknowledgedLate')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {compliance.rows.map((r, i) => (
                      <tr key={i}>
                        <th scope="row">
                          {r.districtName}
                          {r.inspectorUsername && <span class="sub">{r.inspectorUsername}</span>}
                        </th>
                        <td>
                          {r.ordersServedLate} / {r.ordersDue}
                        </td>
                        <td>
                          {r.checkInsMissed} / {r.checkInsDue}
                        </td>
                        <td>
                          {r.alertsAcknowledgedLate} / {r.alertsWithThreshold}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ))}
        </section>
        <Integrity />
      </div>
      <span hidden>{lang.value}</span>
    </main>
  );
}

function Integrity() {
  const [checkpoint, setCheckpoint] = useState<Checkpoint | null | undefined>(undefined);
  const [checkpointError, setCheckpointError] = useState<string | null>(null);
  const [result, setResult] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const readCheckpoint = () =>
    get<Checkpoint>('/audit/checkpoints/latest', { heads: 'false' })
      .then(setCheckpoint)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.status === 404) setCheckpoint(null);
        else setCheckpointError(problem(err));
      });
  useEffect(() => {
    void readCheckpoint();
  }, []);

  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await get<VerifyResult>('/audit/verify'));
      await readCheckpoint();
    } catch (err) {
      setError(problem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="panel" aria-labelledby="chain-title" data-testid="integrity">
      <h2 id="chain-title">{t('chain')}</h2>
      <p>
        <button type="button" class="primary" onClick={verify} disabled={busy}>
          {busy ? t('verifying') : t('verify')}
        </button>
      </p>
      <div role="status" aria-live="polite">
        {error && <p class="error">{error}</p>}
        {result && (
          <p class={`verdict ${result.ok ? 'ok' : 'bad'}`} data-testid="verdict">
            {result.ok
              ? t('chainOk', { streams: result.streamsChecked, events: result.eventsChecked })
              : t('chainBroken', {
                  stream: result.firstBrokenAt?.streamId ?? '?',
                  version: result.firstBrokenAt?.version ?? '?',
                  streams: result.streamsChecked,
                  events: result.eventsChecked,
                })}
          </p>
        )}
      </div>
      <h3>{t('lastCheckpoint')}</h3>
      {checkpointError && <p class="error">{checkpointError}</p>}
      {checkpoint === null && <p class="muted">{t('noCheckpoint')}</p>}
      {checkpoint && (
        <dl class="facts" data-testid="checkpoint">
          <dt>#</dt>
          <dd>{checkpoint.sequence}</dd>
          <dt>{t('signedAt')}</dt>
          <dd>{dateTime(checkpoint.createdAt)}</dd>
          <dt>{t('streams')}</dt>
          <dd>{number(checkpoint.streamCount)}</dd>
          <dt>{t('events')}</dt>
          <dd>{number(checkpoint.eventCount)}</dd>
          <dt>{t('keyId')}</dt>
          <dd class="mono">{checkpoint.keyId}</dd>
        </dl>
      )}
    </section>
  );
}
