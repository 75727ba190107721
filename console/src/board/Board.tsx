import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api';
import { clock, dateTime, metres, timeOfDay } from '../format';
import { lang, t, tOr } from '../i18n';
import { openStream, type StreamState } from '../live';
import { endSession, token, type User } from '../session';
import type { Alert, AssignmentView, District, QueueItem, Recommendation, Unit } from '../types';

const NEXT_STEP: Record<
  string,
  { status: 'en_route' | 'on_scene' | 'cleared'; label: 'toEnRoute' | 'toOnScene' | 'toCleared' }
> = {
  assigned: { status: 'en_route', label: 'toEnRoute' },
  en_route: { status: 'on_scene', label: 'toOnScene' },
  on_scene: { status: 'cleared', label: 'toCleared' },
};

/** Reads that a burst of live events asks for are merged into one. */
function useCoalesced(fn: () => Promise<void>, delayMs = 150): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current ?? undefined), []);
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void latest.current();
    }, delayMs);
  }, [delayMs]);
}

function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'UNIT_NOT_AVAILABLE') return t('unitNotAvailable');
    if (err.code === 'INVALID_TRANSITION') return t('invalidTransition');
    if (err.status === 0) return t('networkError');
    return t('error', { code: err.code });
  }
  return t('error', { code: 'UNKNOWN' });
}

export function Board({ me }: { me: User }) {
  const [districts, setDistricts] = useState<District[]>([]);
  const [districtId, setDistrictId] = useState('');
  const [queue, setQueue] = useState<QueueItem[] | null>(null);
  const [readAt, setReadAt] = useState(() => performance.now());
  const [now, setNow] = useState(() => performance.now());
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [alerts, setAlerts] = useState<Alert[] | null>(null);
  const [stream, setStream] = useState<StreamState>('connecting');
  const [resyncedAt, setResyncedAt] = useState<Date | null>(null);
  const [resyncs, setResyncs] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  // Assignments made from this page: the API lists crews and their state, not their assignment.
  const [assignments, setAssignments] = useState<ReadonlyMap<string, AssignmentView>>(new Map());
  const known = useRef<Set<string> | null>(null);
  const districtRef = useRef(districtId);
  districtRef.current = districtId;

  const districtName = useCallback(
    (id: string | null) => districts.find((d) => d.id === id)?.name ?? '—',
    [districts],
  );

  const loadQueue = useCallback(async () => {
    const items = await get<QueueItem[]>('/dispatch/queue', {
      districtId: districtRef.current || undefined,
    });
    setQueue(items);
    setReadAt(performance.now());
    setNow(performance.now());
    const ids = new Set(items.map((i) => i.incidentId));
    if (known.current) {
      const arrived = items.filter((i) => !known.current!.has(i.incidentId));
      if (arrived.length > 0) {
        setAnnouncement(
          arrived
            .map((i) =>
              t(i.coded ? 'newCodedCall' : 'newCall', {
                p: i.priority,
                district: districtName(i.districtId),
              }),
            )
            .join(' '),
        );
        const arrivedIds = new Set(arrived.map((i) => i.incidentId));
        setFresh(arrivedIds);
        setTimeout(() => setFresh(new Set()), 8000);
      }
    }
    known.current = ids;
  }, [districtName]);

  const loadUnits = useCallback(async () => {
    const list = await get<Unit[]>('/units', { districtId: districtRef.current || undefined });
    setUnits(list);
    // A crew that is available again was cleared (or its assignment cancelled) elsewhere.
    setAssignments((prev) => {
      const next = new Map(prev);
      for (const u of list)
        if (u.status === 'available' || u.status === 'off_duty') next.delete(u.id);
      return next;
    });
  }, []);

  const knownAlerts = useRef<Set<string> | null>(null);
  const loadAlerts = useCallback(async () => {
    const list = await get<Alert[]>('/alerts', { status: 'open', limit: 50 });
    setAlerts(list);
    if (knownAlerts.current) {
      const raised = list.filter((a) => !knownAlerts.current!.has(a.id));
      if (raised.length > 0)
        setAnnouncement(
          raised.map((a) => t('newAlert', { kind: tOr(`alert_${a.kind}`, a.kind) })).join(' '),
        );
    }
    knownAlerts.current = new Set(list.map((a) => a.id));
  }, []);

  const safely = (p: Promise<void>) =>
    p.catch((err: unknown) => setNotice({ ok: false, text: errorText(err) }));

  const reloadAll = useCallback(
    () => safely(Promise.all([loadQueue(), loadUnits(), loadAlerts()]).then(() => undefined)),
    [loadQueue, loadUnits, loadAlerts],
  );
  const queueSoon = useCoalesced(() => safely(loadQueue()));
  const unitsSoon = useCoalesced(() => safely(loadUnits()));
  const alertsSoon = useCoalesced(() => safely(loadAlerts()));

  useEffect(() => {
    void get<District[]>('/districts').then((all) =>
      setDistricts(all.filter((d) => me.districtIds.includes(d.id))),
    );
  }, [me.districtIds]);

  useEffect(() => {
    known.current = null;
    void reloadAll();
  }, [districtId]);

  // The waiting times tick without asking the server: read time + elapsed.
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const handlers = useRef({ queueSoon, unitsSoon, alertsSoon, reloadAll });
  handlers.current = { queueSoon, unitsSoon, alertsSoon, reloadAll };
  useEffect(
    () =>
      openStream(() => token.value, {
        state: setStream,
        // The events carry ids and versions only: the page re-reads what changed.
        event: (type) => {
          if (type.startsWith('incident.')) handlers.current.queueSoon();
          else if (type === 'unit.updated') handlers.current.unitsSoon();
          else if (type.startsWith('alert.')) handlers.current.alertsSoon();
        },
        resync: () => {
          void handlers.current.reloadAll();
          setResyncedAt(new Date());
          setResyncs((n) => n + 1);
        },
        refused: () => endSession('sessionExpired'),
      }),
    [],
  );

  const selectedItem = queue?.find((q) => q.incidentId === selected) ?? null;

  const assign = async (item: QueueItem, rec: Recommendation) => {
    try {
      const res = await post<{ assignmentId: string }>(
        `/incidents/${item.incidentId}/assignments`,
        { unitId: rec.unitId },
      );
      setAssignments((prev) =>
        new Map(prev).set(rec.unitId, {
          assignmentId: res.assignmentId,
          incidentId: item.incidentId,
          unitId: rec.unitId,
          status: 'assigned',
        }),
      );
      setNotice({ ok: true, text: t('assigned', { crew: rec.callSign }) });
      setSelected(null);
      // The panel that had the focus closes: the keyboard goes on from the queue.
      document.getElementById('queue-title')?.focus();
      await Promise.all([loadQueue(), loadUnits()]);
    } catch (err) {
      setNotice({ ok: false, text: errorText(err) });
      void safely(loadUnits());
    }
  };

  const step = async (unit: Unit, a: AssignmentView) => {
    const next = NEXT_STEP[a.status];
    if (!next) return;
    try {
      await post(`/assignments/${a.assignmentId}/status`, { status: next.status });
      setAssignments((prev) => {
        const map = new Map(prev);
        if (next.status === 'cleared') map.delete(unit.id);
        else map.set(unit.id, { ...a, status: next.status });
        return map;
      });
      setNotice({
        ok: true,
        text: t('stepDone', { crew: unit.callSign, status: t(next.label) }),
      });
      await loadUnits();
    } catch (err) {
      setNotice({ ok: false, text: errorText(err) });
    }
  };

  const ack = async (alert: Alert) => {
    try {
      await post(`/alerts/${alert.id}/ack`);
      await loadAlerts();
    } catch (err) {
      setNotice({ ok: false, text: errorText(err) });
    }
  };

  const elapsed = (now - readAt) / 1000;

  return (
    <main class="board" aria-label={t('board')}>
      <div class="toolbar">
        <label>
          <span>{t('district')}</span>
          <select
            value={districtId}
            onChange={(e) => {
              setSelected(null);
              setDistrictId((e.currentTarget as HTMLSelectElement).value);
            }}
          >
            <option value="">{t('allMyDistricts')}</option>
            {districts.map((d) => (
              <option key={d.id} value={d.id}>
                {d.region} · {d.name}
              </option>
            ))}
          </select>
        </label>
        <StreamBadge state={stream} resyncedAt={resyncedAt} resyncs={resyncs} />
        <div class="notice" role="status" aria-live="polite">
          {notice && <span class={notice.ok ? 'ok' : 'error'}>{notice.text}</span>}
        </div>
      </div>
      {/* Screen readers hear new calls as they arrive. */}
      <div class="sr-only" aria-live="assertive" role="log" data-testid="announcer">
        {announcement}
      </div>

      <section class="queue panel" aria-labelledby="queue-title">
        <h2 id="queue-title" tabIndex={-1}>
          {t('queue')} {queue && <span class="count">{queue.length}</span>}
        </h2>
        {queue === null ? (
          <p>{t('loading')}</p>
        ) : queue.length === 0 ? (
          <p class="muted">{t('queueEmpty')}</p>
        ) : (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('priority')}</th>
                  <th scope="col">{t('waiting')}</th>
                  <th scope="col">{t('address')}</th>
                  <th scope="col">{t('risk')}</th>
                  <th scope="col">{t('reasons')}</th>
                  <th scope="col">
                    <span class="sr-only">{t('select')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {queue.map((item) => (
                  <tr
                    key={item.incidentId}
                    data-incident={item.incidentId}
                    class={[
                      `p${item.priority}`,
                      item.coded ? 'coded' : '',
                      item.incidentId === selected ? 'selected' : '',
                      fresh.has(item.incidentId) ? 'fresh' : '',
                    ].join(' ')}
                  >
                    <td>
                      <span class={`prio p${item.priority}`}>P{item.priority}</span>
                    </td>
                    <td class={item.overdue ? 'wait overdue' : 'wait'}>
                      <span class="ticking">{clock(item.waitingSeconds + elapsed)}</span>
                      {item.overdue && <span class="tag overdue">{t('overdue')}</span>}
                    </td>
                    <td>
                      {item.coded && (
                        <p class="silent" data-testid="silent">
                          <strong class="tag silent-tag">{t('silentBadge')}</strong>{' '}
                          {t('doNotCallBack')}
                        </p>
                      )}
                      <span class="addr">{item.address}</span>
                      <span class="sub">
                        {districtName(item.districtId)} ·{' '}
                        {tOr(`source_${item.source}`, item.source)}
                      </span>
                    </td>
                    <td>{tOr(`risk_${item.riskLevel}`, item.riskLevel)}</td>
                    <td class="reasons">
                      <ul>
                        {item.reasons.slice(0, 3).map((r, i) => (
                          <li key={i}>{r}</li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      <button
                        type="button"
                        aria-pressed={item.incidentId === selected}
                        aria-label={`${t('select')}: P${item.priority}, ${item.address}`}
                        onClick={() => setSelected(item.incidentId)}
                      >
                        {t('select')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <aside class="side">
        <IncidentPanel
          item={selectedItem}
          districtName={districtName}
          onAssign={assign}
          onClose={() => setSelected(null)}
          unitsVersion={units}
        />
        <section class="panel crews" aria-labelledby="crews-title">
          <h2 id="crews-title">{t('crews')}</h2>
          {units === null ? (
            <p>{t('loading')}</p>
          ) : units.length === 0 ? (
            <p class="muted">{t('crewsEmpty')}</p>
          ) : (
            <div class="scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('callSign')}</th>
                    <th scope="col">{t('status')}</th>
                    <th scope="col">{t('step')}</th>
                  </tr>
                </thead>
                <tbody>
                  {units.map((u) => {
                    const a = assignments.get(u.id);
                    const next = a ? NEXT_STEP[a.status] : undefined;
                    return (
                      <tr key={u.id} data-unit={u.id}>
                        <th scope="row">
                          {u.callSign}
                          <span class="sub">{districtName(u.districtId)}</span>
                        </th>
                        <td>
                          <span class={`state s-${u.status}`}>
                            {tOr(`unit_${u.status}`, u.status)}
                          </span>
                        </td>
                        <td>
                          {a && next ? (
                            <button type="button" onClick={() => step(u, a)}>
                              {t(next.label)}
                              <span class="sr-only"> — {u.callSign}</span>
                            </button>
                          ) : u.status !== 'available' && u.status !== 'off_duty' ? (
                            <span class="muted small">{t('assignedElsewhere')}</span>
                          ) : null}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section class="panel alerts" aria-labelledby="alerts-title">
          <h2 id="alerts-title">
            {t('alerts')}{' '}
            {alerts && alerts.length > 0 && <span class="count">{alerts.length}</span>}
          </h2>
          {alerts === null ? (
            <p>{t('loading')}</p>
          ) : alerts.length === 0 ? (
            <p class="muted">{t('alertsEmpty')}</p>
          ) : (
            <ul class="alert-list scroll">
              {alerts.map((a) => (
                <li key={a.id} data-alert={a.id}>
                  <span class="kind">{tOr(`alert_${a.kind}`, a.kind)}</span>
                  <span class="sub">
                    {districtName(a.districtId)} · {t('firedAt')} {dateTime(a.firedAt)}
                  </span>
                  <button type="button" onClick={() => ack(a)}>
                    {t('acknowledge')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </aside>
      <span hidden>{lang.value}</span>
    </main>
  );
}

function StreamBadge({
  state,
  resyncedAt,
  resyncs,
}: {
  state: StreamState;
  resyncedAt: Date | null;
  resyncs: number;
}) {
  return (
    <div
      class={`stream s-${state}`}
      role="status"
      data-testid="stream"
      data-state={state}
      data-resyncs={resyncs}
    >
      <span class="dot" aria-hidden="true" />
      {state === 'live'
        ? t('streamLive')
        : state === 'lost'
          ? t('streamLost')
          : t('streamConnecting')}
      {resyncedAt && state === 'live' && (
        <span class="resynced"> · {t('streamResynced', { time: timeOfDay(resyncedAt) })}</span>
      )}
    </div>
  );
}

function IncidentPanel({
  item,
  districtName,
  onAssign,
  onClose,
  unitsVersion,
}: {
  item: QueueItem | null;
  districtName: (id: string | null) => string;
  onAssign: (item: QueueItem, rec: Recommendation) => Promise<void>;
  onClose: () => void;
  unitsVersion: Unit[] | null;
}) {
  const [recs, setRecs] = useState<Recommendation[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = item?.incidentId ?? null;

  // Re-read when another call is chosen, and when crews change (one may have been taken).
  useEffect(() => {
    if (!id) return;
    let cancelled = false;
    setError(null);
    get<Recommendation[]>(`/incidents/${id}/recommendations`)
      .then((r) => !cancelled && setRecs(r))
      .catch((err: unknown) => !cancelled && setError(errorText(err)));
    return () => {
      cancelled = true;
    };
  }, [id, unitsVersion]);
  useEffect(() => {
    setRecs(null);
    if (id) heading.current?.focus();
  }, [id]);

  const sorted = useMemo(
    () => (recs ? [...recs].sort((a, b) => Number(b.eligible) - Number(a.eligible)) : []),
    [recs],
  );

  if (!item) {
    return (
      <section class="panel incident" aria-labelledby="incident-title">
        <h2 id="incident-title">{t('incident')}</h2>
        <p class="muted">{t('noSelection')}</p>
      </section>
    );
  }
  return (
    <section class="panel incident" aria-labelledby="incident-title" data-testid="incident-panel">
      <h2 id="incident-title" tabIndex={-1} ref={heading}>
        <span class={`prio p${item.priority}`}>P{item.priority}</span> {item.address}
      </h2>
      <p class="sub">
        {districtName(item.districtId)} · {tOr(`risk_${item.riskLevel}`, item.riskLevel)}
      </p>
      {item.coded && (
        <p class="silent" role="note">
          <strong class="tag silent-tag">{t('silentBadge')}</strong> {t('doNotCallBack')}
        </p>
      )}
      <h3>{t('recommendations')}</h3>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {recs === null && !error ? (
        <p>{t('loading')}</p>
      ) : sorted.length === 0 ? (
        <p class="muted">{t('noRecommendations')}</p>
      ) : (
        <table class="recs">
          <thead>
            <tr>
              <th scope="col">{t('callSign')}</th>
              <th scope="col">{t('distance')}</th>
              <th scope="col">{t('locationAge')}</th>
              <th scope="col">
                <span class="sr-only">{t('assign')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={r.unitId} class={r.eligible ? '' : 'ineligible'} data-unit={r.unitId}>
                <th scope="row">
                  {r.callSign}
                  <span class="sub">{tOr(`reason_${r.reasonCode ?? ''}`, r.reason)}</span>
                </th>
                <td>{metres(r.distanceMeters)}</td>
                <td>{r.locationAgeSeconds === null ? '—' : clock(r.locationAgeSeconds)}</td>
                <td>
                  <button
                    type="button"
                    class={r.eligible ? 'primary' : ''}
                    disabled={busy}
                    onClick={async () => {
                      setBusy(true);
                      try {
                        await onAssign(item, r);
                      } finally {
                        setBusy(false);
                      }
                    }}
                  >
                    {r.eligible ? t('assign') : t('assignAnyway')}
                    <span class="sr-only"> {r.callSign}</span>
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" class="link" onClick={onClose}>
        {t('close')}
      </button>
    </section>
  );
}
