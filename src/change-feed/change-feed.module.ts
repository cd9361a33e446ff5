import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.service';
import { EventsHttpController } from './events.http.controller';
import { SseStreams } from './sse-streams.service';

/** Global: any module may inject ChangeFeed and publish. */
@Global()
@Module({ controllers: [EventsHttpController], providers: [ChangeFeed, SseStreams], exports: [ChangeFeed, SseStreams] })
export class ChangeFeedModule {}
