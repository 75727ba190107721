import { createParser } from 'eventsource-parser';
import { API } from './api';

export type StreamState = 'connecting' | 'live' | 'lost';

export interface LiveEvent {
  type: string;
  id: string;
  districtId: string | null;
  version: number;
  eventTypes: string[];
  at: string;
}

export interface StreamHandlers {
  state(state: StreamState): void;
  /** `incident.created`, `incident.updated`, `unit.updated`, `alert.raised`, `alert.updated`. */
  event(type: string, data: LiveEvent): void;
  /**
   * Re-read everything: the server said changes may have been missed (`resync`), or the stream
   * came back after a break (what happened meanwhile was not heard).
   */
  resync(reason: string): void;
  /** 401/403: the token is no longer good for the stream. */
  refused(status: number): void;
}

/** Beyond two missed heartbeats (15 s each by default) the connection is taken for dead. */
const SILENCE_MS = 40_000;

/**
 * GET /dispatch/stream read with fetch: EventSource cannot send the Authorization header, and the
 * token must not travel in a URL (it would land in proxy and server logs). Reconnects after the
 * server's `retry:` delay, and reports a break at once so the page can say so.
 */
export function openStream(getToken: () => string | null, on: StreamHandlers): () => void {
  let stopped = false;
  let controller: AbortController | null = null;
  let retryMs = 3000;
  let hadConnection = false;

  const run = async () => {
    while (!stopped) {
      controller = new AbortController();
      const current = controller;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const feedWatchdog = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => current.abort(), SILENCE_MS);
      };
      try {
        on.state('connecting');
        const res = await fetch(`${API}/dispatch/stream`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${getToken() ?? ''}` },
          credentials: 'omit',
          cache: 'no-store',
          signal: current.signal,
        });
        if (res.status === 401 || res.status === 403) {
          on.refused(res.status);
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        on.state('live');
        if (hadConnection) on.resync('reconnected');
        hadConnection = true;
        feedWatchdog();
        const parser = createParser({
          onRetry: (ms) => {
            retryMs = Math.min(Math.max(ms, 500), 60_000);
          },
          onEvent: (message) => {
            if (message.event === 'resync') on.resync('server');
            else if (message.event && message.event !== 'closed') {
              try {
                on.event(message.event, JSON.parse(message.data) as LiveEvent);
              } catch {
                on.resync('unreadable-event');
              }
            }
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          feedWatchdog();
          parser.feed(value);
        }
      } catch {
        /* a network error or the watchdog: reconnect below */
      } finally {
        clearTimeout(watchdog);
      }
      if (stopped) return;
      on.state('lost');
      await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
