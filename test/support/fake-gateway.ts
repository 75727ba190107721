import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ReceivedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Whether the signature matched "<X-Timestamp>.<body>" under the shared secret. */
  signatureValid: boolean;
}

/**
 * A stand-in for the SMS gateway / crisis centre (fakes are allowed for outbound channels): a
 * local HTTP server that records every request, verifies its signature, and applies each
 * `Idempotency-Key` once, as a real receiver must. `respond` decides each answer: a status, or
 * `'hang'` to never answer (the connection stays open until the sender goes away).
 */
export class FakeGateway {
  readonly received: ReceivedRequest[] = [];
  /** Distinct effects: one per Idempotency-Key, however often it was delivered. */
  readonly effects = new Map<string, number>();
  respond: (req: ReceivedRequest) => number | 'hang' = () => 200;
  private server: Server | null = null;
  private waiters: Array<{ test: () => boolean; resolve: () => void }> = [];
  private readonly hanging = new Set<ServerResponse>();

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const ts = String(req.headers['x-timestamp'] ?? '');
        const expected = `sha256=${createHmac('sha256', this.secret).update(`${ts}.${body}`).digest('hex')}`;
        const r: ReceivedRequest = {
          path: req.url ?? '',
          headers: req.headers,
          body,
          signatureValid: req.headers['x-signature'] === expected,
        };
        this.received.push(r);
        const answer = this.respond(r);
        // The effect happens on receipt (as an SMS would be sent) whatever the answer becomes.
        const key = String(req.headers['idempotency-key'] ?? '');
        if (answer !== 'hang' && answer >= 500) {
          // A failing gateway did nothing.
        } else if (r.signatureValid && key && !this.effects.has(key)) this.effects.set(key, 1);
        if (answer === 'hang') this.hanging.add(res);
        else res.writeHead(answer, { 'content-type': 'application/json' }).end('{"ok":true}');
        this.check();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return `http://127.0.0.1:${port}`;
  }

  /** Resolves once `test` holds after some request (or at once if it already does). */
  until(test: () => boolean, timeoutMs: number): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('gateway: condition not met in time')),
        timeoutMs,
      );
      this.waiters.push({
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  bodiesFor(notificationId: string): Array<Record<string, unknown>> {
    return this.received
      .filter((r) => r.headers['idempotency-key'] === notificationId)
      .map((r) => JSON.parse(r.body) as Record<string, unknown>);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.test()) return true;
      w.resolve();
      return false;
    });
  }
}
