import { createServer, type Server } from 'node:http';
import { type MetricsService } from './metrics.service';

/**
 * A bare HTTP listener that serves only `GET /metrics`, for Prometheus on the deployment's
 * internal network (METRICS_PORT). The worker has no other HTTP; on the API it spares Prometheus
 * an admin token. It answers nothing else and must never be published through the proxy.
 * `host` is METRICS_HOST: 0.0.0.0 (the default) in containers, where Prometheus comes over the
 * compose network; 127.0.0.1 or an internal interface's address on a shared host.
 */
export async function startMetricsListener(
  metrics: MetricsService,
  port: number,
  host = '0.0.0.0',
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    metrics.text().then(
      (text) => response.writeHead(200, { 'content-type': metrics.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
