import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { EventStore } from '@1tt/event-store';
import { ProjectionRunner, ReadModelStore, type ReadModelChange } from '@1tt/read-models';
import { ChangeFeed } from '../change-feed/change-feed.service';
import { accountsProjection } from './accounts.projection';
import { auditTrailProjection } from './audit-trail.projection';
import { changeMessages } from './ledger-change-messages';
import { poolProjection } from './pool.projection';
import { revenueProjection } from './revenue.projection';

/** How long a read waits for the read models to reach the log head before answering from what they have (and saying so in `position`). */
const CATCH_UP_MS = 2000;

export type LedgerProjectionName = 'pool' | 'revenue' | 'accounts' | 'auditTrail';

/**
 * Runs the ledger projections in this process (checkpointed catch-up
 * subscriptions) and turns their committed changes into SSE messages.
 */
@Injectable()
export class LedgerReadModels implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runners: Record<LedgerProjectionName, ProjectionRunner>;
  private readonly feeds: Subscription[] = [];
  private readonly logger = new Logger('LedgerReadModels');

  constructor(
    readonly store: ReadModelStore,
    readonly events: EventStore,
    private readonly feed: ChangeFeed,
  ) {
    const onError = (e: Error, r: ProjectionRunner): void => this.logger.error(`projection ${r.projection.name} stopped: ${e.message}`);
    this.runners = {
      pool: new ProjectionRunner(store, events, poolProjection, { onError }),
      revenue: new ProjectionRunner(store, events, revenueProjection, { onError }),
      accounts: new ProjectionRunner(store, events, accountsProjection, { onError }),
      auditTrail: new ProjectionRunner(store, events, auditTrailProjection, { onError }),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const runner of Object.values(this.runners)) {
      this.feeds.push(runner.changes.subscribe((c: ReadModelChange) => void this.publish(c)));
      await runner.start();
    }
  }

  async onModuleDestroy(): Promise<void> {
    for (const s of this.feeds.splice(0)) s.unsubscribe();
    await Promise.all(Object.values(this.runners).map((r) => r.stop()));
  }

  /**
   * Waits (briefly) until the named read models reflect the log head, then
   * returns the position every one of them has reached: reads at that
   * position see one consistent state across them.
   */
  async readablePosition(names: readonly LedgerProjectionName[]): Promise<number> {
    const head = await this.events.headPosition();
    await Promise.all(names.map((n) => this.runners[n].waitFor(head, CATCH_UP_MS).catch(() => false)));
    const checkpoints = await Promise.all(names.map((n) => this.store.getCheckpoint(this.runners[n].projection.name)));
    return Math.min(...checkpoints);
  }

  private async publish(change: ReadModelChange): Promise<void> {
    if (this.feed.subscriberCount === 0) return;
    try {
      for (const m of await changeMessages(this.store, change)) this.feed.publish(m);
    } catch (e) {
      this.logger.warn(`change notification for ${change.projection} at ${change.position} dropped: ${(e as Error).message}`);
    }
  }
}
