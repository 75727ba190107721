import { Controller, Get, Logger, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser, Roles } from '../../../common/auth.decorators';
import type { Principal } from '../../../common/roles';
import { DispatchLiveService, STREAM_ROLES } from './dispatch-live.service';
import { ApiEndpoint } from '../../../common/openapi';

/** How long an ended stream may take to flush its last bytes before the socket is destroyed. */
const END_GRACE_MS = 5_000;

/**
 * Written straight to the raw response rather than through `@Sse()`: an SSE comment (the
 * heartbeat) and the `retry:` field cannot be expressed as `MessageEvent`s, and the headers
 * must be exactly what proxies need (no buffering, no caching).
 */
@ApiTags('dispatch')
@ApiBearerAuth()
@Controller('dispatch/stream')
export class DispatchStreamController {
  private readonly logger = new Logger('DispatchStream');

  constructor(private readonly live: DispatchLiveService) {}

  @Get()
  @Roles(...STREAM_ROLES)
  @ApiEndpoint({
    summary: 'Server-Sent Events of queue and unit changes, from every instance',
    description:
      'Events `incident.created`, `incident.updated`, `unit.updated` with data ' +
      '`{type, id, districtId, version, eventTypes, at}` for the caller’s districts (district-less ' +
      'incidents to supervisors only); `resync` when changes may have been missed (re-read the ' +
      'queue); a `: heartbeat` comment every SSE_HEARTBEAT_SECONDS (default 15).',
    ok: { mediaType: 'text/event-stream', description: 'an endless event stream' },
  })
  stream(
    @CurrentUser() user: Principal,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): void {
    // From here on the response is ours: Fastify must not try to send it.
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    if (request.method === 'HEAD') {
      res.end();
      return;
    }
    res.write(`retry: ${this.live.options.retryMs}\n\n`);

    // What the kernel's socket buffers cannot take waits in `writableLength`; past the limit the
    // client is cut. Ending is not enough for such a client: `end()` queues behind the backlog
    // that never drains, so the connection (and its buffers) would stay; it is destroyed instead.
    const limit = this.live.options.maxBufferedBytes;
    let unsubscribe: () => void = () => undefined;
    const end = () => {
      unsubscribe();
      if (res.writableEnded || res.destroyed) return;
      res.end();
      // A client that does not read never lets the end through: drop it after a grace period.
      const grace = setTimeout(() => res.destroy(), END_GRACE_MS);
      grace.unref();
      res.once('close', () => clearTimeout(grace));
    };
    unsubscribe = this.live.subscribe({
      principal: user,
      write: (chunk) => {
        if (res.writableEnded || res.destroyed) return;
        if (res.writableLength + Buffer.byteLength(chunk) > limit) {
          this.logger.warn(
            { userId: user.id, queuedBytes: res.writableLength, limit },
            'live stream client is not reading; cutting it off',
          );
          unsubscribe();
          res.destroy();
          return;
        }
        res.write(chunk);
      },
      end,
    });
    res.on('close', () => unsubscribe());
  }
}
