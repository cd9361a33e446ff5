import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import type { AppConfig } from '@1tt/config';
import { CurrentPrincipal } from '../auth/auth.decorators';
import { APP_CONFIG } from '../config/app-config.token';
import { ChangeFeed, mayReceive, type ChangeMessage } from './change-feed.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsHttpController {
  constructor(
    private readonly feed: ChangeFeed,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @SkipThrottle()
  @ApiOperation({
    summary: 'Server-Sent Events: one message whenever a read model the caller may see changes.',
    description:
      'text/event-stream. Each message has `event: <type>`, `id: <log position>` when known, and `data: <JSON>`. ' +
      'A comment line is sent every SSE_HEARTBEAT_SECONDS to keep proxies from closing an idle stream. ' +
      'Messages are live only; after a reconnect, re-read the resources you show.',
  })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated message types to receive (default: all).' })
  @ApiOkResponse({ content: { 'text/event-stream': {} } })
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
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 3000\n: connected as ${principal.role}\n\n`);

    const visible = (m: ChangeMessage): boolean => (!wanted || wanted.has(m.type)) && mayReceive(principal, m);

    const subscription = this.feed.messages().subscribe({
      next: (m) => {
        if (visible(m)) res.write(formatSse(m));
      },
      complete: () => res.end(),
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), this.config.sseHeartbeatSeconds * 1000);
    heartbeat.unref();
    const stop = (): void => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    };
    req.on('close', stop);
    res.on('close', stop);
  }
}

function formatSse(m: ChangeMessage): string {
  const data = JSON.stringify({ type: m.type, ...(m.position !== undefined ? { position: m.position } : {}), data: m.data });
  return `event: ${m.type.replace(/[\r\n]/g, '')}\n${m.position !== undefined ? `id: ${m.position}\n` : ''}data: ${data}\n\n`;
}
