import { Global, Module } from '@nestjs/common';
import { ChangeFeed } from './change-feed.service';
import { EventsHttpController } from './events.http.controller';

/** Global: any module may inject ChangeFeed and publish. */
@Global()
@Module({ controllers: [EventsHttpController], providers: [ChangeFeed], exports: [ChangeFeed] })
export class ChangeFeedModule {}
