import { EventStore } from '@app/event-store';
import { Client } from 'pg';
import { type EntityManager } from 'typeorm';
import { type SentCall } from './client';

/** A direct connection to the fault test's database: the checks read what was committed. */
export async function connect(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function count(db: Client, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

export interface CallCheck {
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Calls in the database under a marker the client never saw acknowledged. */
  committedUnacknowledged: number;
  /** Acknowledged ids that name another incident than the one stored with the call. */
  mismatched: number;
}

/** Every acknowledged call is in the database exactly once, under the id it was acknowledged with. */
export async function checkCalls(db: Client, sent: SentCall[]): Promise<CallCheck> {
  const acked = sent.filter((c) => c.callId);
  const { rows } = await db.query<{ id: string; incident_id: string; transcript: string }>(
    `SELECT id, incident_id, transcript FROM calls WHERE transcript LIKE 'fault-marker %'`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const perMarker = new Map<string, number>();
  for (const r of rows) perMarker.set(r.transcript, (perMarker.get(r.transcript) ?? 0) + 1);
  const ackedMarkers = new Set(acked.map((c) => c.marker));
  let lost = 0;
  let mismatched = 0;
  for (const c of acked) {
    const row = byId.get(c.callId!);
    if (!row) lost += 1;
    else if (row.incident_id !== c.incidentId || row.transcript !== c.marker) mismatched += 1;
  }
  return {
    acknowledged: acked.length,
    lost,
    duplicated: [...perMarker.values()].reduce((s, n) => s + (n > 1 ? n - 1 : 0), 0),
    committedUnacknowledged: [...perMarker.keys()].filter((m) => !ackedMarkers.has(m)).length,
    mismatched,
  };
}

export interface IntegrityCheck {
  callsWithoutIncident: number;
  callIncidentsWithoutCall: number;
  incidentsWithoutEvents: number;
  incidentsWithoutHead: number;
  codedIncidentsWithoutDeadline: number;
  idempotencyKeysWithoutCall: number;
}

/**
 * What one POST /calls transaction writes goes together: the call, its incident, the incident's
 * stream (CallRegistered + IncidentOpened) and head, the coded call's deadline, and the
 * idempotency key holding the answer. Any of them without the others is a half-written record.
 */
export async function checkIntegrity(db: Client): Promise<IntegrityCheck> {
  return {
    callsWithoutIncident: await count(
      db,
      `SELECT count(*) AS n FROM calls c WHERE NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = c.incident_id)`,
    ),
    callIncidentsWithoutCall: await count(
      db,
      `SELECT count(*) AS n FROM incidents i WHERE i.source = 'call'
         AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.incident_id = i.id)`,
    ),
    incidentsWithoutEvents: await count(
      db,
      `SELECT count(*) AS n FROM incidents i WHERE (SELECT count(*) FROM events e
         WHERE e.stream_id = i.id::text AND e.type IN ('CallRegistered', 'IncidentOpened')) <> 2
         AND i.source = 'call'`,
    ),
    incidentsWithoutHead: await count(
      db,
      `SELECT count(*) AS n FROM incidents i WHERE NOT EXISTS
         (SELECT 1 FROM event_stream_heads h WHERE h.stream_id = i.id::text)`,
    ),
    codedIncidentsWithoutDeadline: await count(
      db,
      `SELECT count(*) AS n FROM incidents i WHERE i.coded AND NOT EXISTS
         (SELECT 1 FROM deadlines d WHERE d.subject_id = i.id AND d.kind = 'coded_call_unassigned')`,
    ),
    idempotencyKeysWithoutCall: await count(
      db,
      `SELECT count(*) AS n FROM idempotency_keys k WHERE k.path = '/api/v1/calls'
         AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.id::text = k.response->'body'->>'id')`,
    ),
  };
}

/** Re-computes every hash chain in the event store (libs/event-store's own verify). */
export async function verifyChains(db: Client): Promise<{
  ok: boolean;
  streamsChecked: number;
  eventsChecked: number;
  firstBrokenAt?: unknown;
}> {
  const store = new EventStore(() => new Date());
  // verify only reads through `query(sql, params)` returning rows.
  const reader = {
    query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
  } as unknown as EntityManager;
  return store.verify(reader);
}

export interface AlertCheck {
  deadlinesDue: number;
  alerts: number;
  /** Alerts beyond the first for one deadline, or for one subject and kind. */
  duplicated: number;
  /** Deadlines due over `graceSeconds` ago and still pending, or marked fired with no alert. */
  missed: number;
  lateOver120s: number;
  maxLagSeconds: number;
  p99LagSeconds: number;
}

export async function checkAlerts(db: Client, graceSeconds = 120): Promise<AlertCheck> {
  const { rows } = await db.query<{
    alerts: string;
    max: string | null;
    p99: string | null;
    late: string;
  }>(
    `SELECT count(*) AS alerts,
            max(extract(epoch FROM fired_at - due_at)) AS max,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM fired_at - due_at)) AS p99,
            count(*) FILTER (WHERE fired_at - due_at > interval '120 seconds') AS late
     FROM alerts`,
  );
  return {
    deadlinesDue: await count(db, `SELECT count(*) AS n FROM deadlines WHERE due_at <= now()`),
    alerts: Number(rows[0].alerts),
    duplicated:
      (await count(
        db,
        `SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n FROM alerts GROUP BY deadline_id) x`,
      )) +
      (await count(
        db,
        `SELECT coalesce(sum(n - 1), 0) AS n FROM (SELECT count(*) AS n FROM alerts GROUP BY kind, subject_id) x`,
      )),
    missed:
      (await count(
        db,
        `SELECT count(*) AS n FROM deadlines WHERE state = 'pending' AND due_at < now() - make_interval(secs => $1)`,
        [graceSeconds],
      )) +
      (await count(
        db,
        `SELECT count(*) AS n FROM deadlines d WHERE d.state = 'fired'
           AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.deadline_id = d.id)`,
      )),
    lateOver120s: Number(rows[0].late),
    maxLagSeconds: Number(Number(rows[0].max ?? 0).toFixed(2)),
    p99LagSeconds: Number(Number(rows[0].p99 ?? 0).toFixed(2)),
  };
}

/**
 * No crew on two incidents: at most one active assignment per crew now, and no two assignments
 * of one crew whose spans (assigned → cleared/cancelled, open-ended while active) overlap.
 */
export async function checkCrews(
  db: Client,
): Promise<{ activeTwice: number; overlapping: number }> {
  return {
    activeTwice: await count(
      db,
      `SELECT count(*) AS n FROM (SELECT unit_id FROM assignments
         WHERE status IN ('assigned', 'en_route', 'on_scene') GROUP BY unit_id HAVING count(*) > 1) x`,
    ),
    overlapping: await count(
      db,
      `SELECT count(*) AS n FROM assignments a JOIN assignments b
         ON a.unit_id = b.unit_id AND a.id < b.id
        AND tstzrange(a.assigned_at, coalesce(a.cleared_at, a.cancelled_at), '[)')
         && tstzrange(b.assigned_at, coalesce(b.cleared_at, b.cancelled_at), '[)')`,
    ),
  };
}
