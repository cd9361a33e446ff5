import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import type { AppConfig } from '@1tt/config';
import type { Subscription } from 'rxjs';
import { ApiKeyService } from '../auth/api-key.service';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { APP_CONFIG } from '../config/app-config.token';
import { ChangeFeed, mayReceive, type ChangeMessage } from './change-feed.service';
import { SseStreams, type StreamEndReason } from './sse-streams.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsHttpController {
  constructor(
    private readonly feed: ChangeFeed,
    private readonly streams: SseStreams,
    private readonly keys: ApiKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @SkipThrottle()
  @ApiOperation({
    summary: 'Server-Sent Events: one message whenever a read model the caller may see changes.',
    description:
      'text/event-stream. Each message has `event: <type>`, `id: <log position>` when known, and `data: <JSON>`. ' +
      'A comment line is sent every SSE_HEARTBEAT_SECONDS to keep proxies from closing an idle stream. ' +
      'Messages are live only; after a reconnect, re-read the resources you show. ' +
      'A key may hold SSE_MAX_STREAMS_PER_KEY streams at once (429 beyond) and the process SSE_MAX_STREAMS (503 beyond), both with Retry-After. ' +
      'A client that stops reading is cut off once SSE_MAX_BUFFERED_BYTES of its messages wait unsent, and a stream ends when its key is revoked.',
  })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated message types to receive (default: all).' })
  @ApiOkResponse({ content: { 'text/event-stream': {} } })
  @ApiTooManyRequestsResponse({ description: 'too-many-streams: this key holds SSE_MAX_STREAMS_PER_KEY streams already (Retry-After).' })
  @ApiServiceUnavailableResponse({ description: 'streams-at-capacity: the process serves SSE_MAX_STREAMS streams already (Retry-After).' })
  stream(
    @CurrentPrincipal() principal: Principal,
    @Query('types') types: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): void {
    const wanted = types
      ? new Set(
          types
            .split(',')
            .map((t) => t.trim())
            .filter(Boolean),
        )
      : undefined;
    let ended = false;
    // Messages waiting for the next flush (see send).
    let pending: string[] = [];
    let pendingBytes = 0;
    let flushTimer: NodeJS.Timeout | undefined;
    const live: { subscription?: Subscription; heartbeat?: NodeJS.Timeout } = {};
    const stop = (): void => {
      ended = true;
      clearTimeout(flushTimer);
      release();
      clearInterval(live.heartbeat);
      live.subscription?.unsubscribe();
    };
    /** The service ends the stream: a slow client's socket is destroyed (its buffer freed at once). */
    const endStream = (reason: StreamEndReason): void => {
      if (ended) return;
      this.streams.noteEnded(reason);
      stop();
      if (reason === 'slow-client' || res.writableLength > this.config.sseMaxBufferedBytes) res.destroy();
      else res.end();
    };
    // Throws 429/503 before anything is written when the key or the process is at its limit.
    const release = this.streams.admit(principal.keyId, endStream);
    req.on('close', stop);
    res.on('close', stop);

    /**
     * Writes without queueing without bound: a client whose unread bytes (written or waiting) pass
     * SSE_MAX_BUFFERED_BYTES is cut off. Messages are gathered for SSE_FLUSH_MS (or SSE_FLUSH_BYTES) and leave in one socket write:
     * with hundreds of streams each taking every message, a write per message per stream (a system call each)
     * is what costs the event loop (issue #20; `npm run bench -- hostile-uploads`).
     */
    const flush = (): void => {
      flushTimer = undefined;
      if (ended || pending.length === 0) return;
      const chunk = pending.length === 1 ? pending[0] : pending.join('');
      pending = [];
      pendingBytes = 0;
      res.write(chunk);
      if (res.writableLength > this.config.sseMaxBufferedBytes) endStream('slow-client');
    };
    const send = (chunk: string): void => {
      if (ended) return;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= SSE_FLUSH_BYTES) {
        clearTimeout(flushTimer);
        flush();
      } else flushTimer ??= setTimeout(flush, SSE_FLUSH_MS);
    };

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    send(`retry: 3000\n: connected as ${principal.role}\n\n`);

    const visible = (m: ChangeMessage): boolean => (!wanted || wanted.has(m.type)) && mayReceive(principal, m);

    if (ended) return;
    live.subscription = this.feed.messages().subscribe({
      next: (m) => {
        if (visible(m)) send(formatSse(m));
      },
      complete: () => {
        flush();
        stop();
        res.end();
      },
    });
    // The heartbeat also re-checks the key, in case a revocation was missed (e.g. while the key feed was down).
    live.heartbeat = setInterval(() => {
      send(': heartbeat\n\n');
      void this.keys.stillValid(principal).then(
        (valid) => valid || endStream('key-revoked'),
        () => undefined,
      );
    }, this.config.sseHeartbeatSeconds * 1000);
    live.heartbeat.unref();
  }
}

/** How long a stream gathers messages before writing them in one go. */
const SSE_FLUSH_MS = 25;
/** ...or until this many characters wait, whichever comes first. */
const SSE_FLUSH_BYTES = 16 * 1024;

/** The SSE text of a message, built once however many streams it goes to. */
const formatted = new WeakMap<ChangeMessage, string>();

function formatSse(m: ChangeMessage): string {
  const hit = formatted.get(m);
  if (hit !== undefined) return hit;
  const text = formatSseText(m);
  formatted.set(m, text);
  return text;
}

function formatSseText(m: ChangeMessage): string {
  const data = JSON.stringify({ type: m.type, ...(m.position !== undefined ? { position: m.position } : {}), data: m.data });
  return `event: ${m.type.replace(/[\r\n]/g, '')}\n${m.position !== undefined ? `id: ${m.position}\n` : ''}data: ${data}\n\n`;
}
