import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_PASSWORD } from './processes';

export interface Answer {
  status: number;
  body: Record<string, unknown> | null;
}

/**
 * One HTTP request. A connection refused (nothing listening) answers status 0 and one cut while
 * the request was in flight (reset, closed, timed out) answers -1, instead of throwing.
 */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; key?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.key) headers['idempotency-key'] = options.key;
  try {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await r.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      body = null;
    }
    return { status: r.status, body };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return { status: code === 'ECONNREFUSED' ? 0 : -1, body: null };
  }
}

export async function login(baseUrl: string, username: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const r = await call(baseUrl, 'POST', '/auth/login', {
      body: { username, password: DEMO_PASSWORD },
    });
    if (r.status === 200) return r.body?.accessToken as string;
    await sleep(200);
  }
  throw new Error(`login as ${username} failed`);
}

export async function districtIdsByCode(
  baseUrl: string,
  token: string,
): Promise<Record<string, string>> {
  const r = await call(baseUrl, 'GET', '/districts', { token });
  if (r.status !== 200) throw new Error(`GET /districts answered ${r.status}`);
  const list = r.body as unknown as Array<{ id: string; code: string }>;
  return Object.fromEntries(list.map((d) => [d.code, d.id]));
}

/** Status counts of every answer a load generator received. */
export class Tally {
  readonly byStatus = new Map<number, number>();
  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
  count(pred: (status: number) => boolean): number {
    let n = 0;
    for (const [s, c] of this.byStatus) if (pred(s)) n += c;
    return n;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries(
      [...this.byStatus].sort((a, b) => a[0] - b[0]).map(([s, c]) => [String(s), c]),
    );
  }
}

export interface SentCall {
  key: string;
  marker: string;
  attempts: number;
  unexpected: number;
  callId?: string;
  incidentId?: string;
  ackedAt?: number;
}

/**
 * Posts coded calls, each under its own Idempotency-Key and with a marker in its transcript, and
 * retries the same key on a cut connection or a 503 until it is acknowledged: a call whose first
 * attempt committed but whose answer was lost must come back as the same call, not a second one.
 */
export class CallStream {
  readonly sent: SentCall[] = [];
  readonly tally = new Tally();
  readonly unexpected: Array<{ key: string; status: number; code: unknown }> = [];
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly targets: () => string[],
    private readonly token: string,
    private readonly districtIds: string[],
    private readonly runId: string,
    private readonly onAck?: (c: SentCall, target: string) => Promise<void> | void,
  ) {}

  start(concurrency: number): void {
    for (let i = 0; i < concurrency; i++) this.loops.push(this.loop(i));
  }

  /** Stops sending new calls and waits until every call already sent is acknowledged. */
  async stop(timeoutMs = 120_000): Promise<void> {
    this.stopping = true;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.all(this.loops),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('calls in flight were not acknowledged in time')),
            timeoutMs,
          );
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async loop(worker: number): Promise<void> {
    let n = 0;
    while (!this.stopping) {
      const key = `${this.runId}-${worker}-${n++}-${randomUUID().slice(0, 8)}`;
      const c: SentCall = { key, marker: `fault-marker ${key}`, attempts: 0, unexpected: 0 };
      this.sent.push(c);
      const body = {
        districtId: this.districtIds[n % this.districtIds.length],
        address: `Fault street ${n}`,
        transcript: c.marker,
        coded: true,
      };
      for (;;) {
        const targets = this.targets();
        const target = targets[(worker + c.attempts) % targets.length];
        c.attempts += 1;
        const r = await call(target, 'POST', '/calls', { token: this.token, body, key });
        this.tally.add(r.status);
        if (r.status === 201 || r.status === 200) {
          c.callId = r.body?.id as string;
          c.incidentId = r.body?.incidentId as string;
          c.ackedAt = Date.now();
          if (this.onAck) await this.onAck(c, target);
          break;
        }
        if (r.status > 0 && r.status !== 503 && r.status !== 429) {
          // Recorded for the test to fail on; a few retries, then the call is given up.
          this.unexpected.push({ key, status: r.status, code: r.body?.code });
          if (++c.unexpected >= 3) break;
        }
        await sleep(r.status <= 0 ? 100 : 250);
      }
    }
  }
}
