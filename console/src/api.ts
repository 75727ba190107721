import { endSession, token } from './session';

export const API = '/api/v1';

/** A refusal of the API: its HTTP status and the stable `code` of the error body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly retryAfter: number | null = null,
  ) {
    super(code);
  }
}

type Query = Record<string, string | number | undefined | null>;

function url(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return `${API}${path}${qs ? `?${qs}` : ''}`;
}

async function send(method: string, path: string, init: { query?: Query; body?: unknown } = {}) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token.value) headers.authorization = `Bearer ${token.value}`;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    // A retried write (a double click, a lost answer) is applied once.
    headers['idempotency-key'] = crypto.randomUUID();
  }
  let res: Response;
  try {
    res = await fetch(url(path, init.query), {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR');
  }
  if (res.status === 401 && token.value && path !== '/auth/login') {
    endSession('sessionExpired');
  }
  if (!res.ok) {
    let code = `HTTP_${res.status}`;
    try {
      const body = (await res.json()) as { code?: unknown };
      if (typeof body.code === 'string') code = body.code;
    } catch {
      /* not JSON: the status says enough */
    }
    const retry = Number(res.headers.get('retry-after'));
    throw new ApiError(res.status, code, Number.isFinite(retry) && retry > 0 ? retry : null);
  }
  return res;
}

/**
 * A read. The service computes one report per user at a time: when an earlier report of this user
 * (another tab, or a query the page has since replaced) is still running, wait for it and ask
 * again, for up to half a minute, rather than show the refusal.
 */
async function read(path: string, query?: Query): Promise<Response> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send('GET', path, { query });
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== 'REPORT_IN_PROGRESS' || attempt >= 60)
        throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export async function get<T>(path: string, query?: Query): Promise<T> {
  return (await (await read(path, query)).json()) as T;
}

export async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const res = await send('POST', path, { body });
  const text = await res.text();
  return (text ? JSON.parse(text) : {}) as T;
}

/** A file answer (CSV) as a Blob: the request carries the token, so no plain link would do. */
export async function getBlob(path: string, query?: Query): Promise<Blob> {
  return (await read(path, query)).blob();
}
