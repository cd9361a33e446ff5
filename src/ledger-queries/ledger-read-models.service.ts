import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { EventStore } from '@1tt/event-store';
import { MAX_PAGE_SIZE, ProjectionRunner, ReadModelStore, type ReadModelChange, type ReadModelDocument } from '@1tt/read-models';
import { ChangeFeed } from '../change-feed/change-feed.service';
import { ProjectionRegistry } from '../stores/projection-registry';
import { answerPosition, requestedPosition, type PointInTimeQuery } from '../http/point-in-time.params';
import { accountsProjection } from './accounts/accounts.projection';
import { auditTrailProjection } from './audit-trail/audit-trail.projection';
import { changeMessages } from './ledger-change-messages';
import { poolProjection } from './pool/pool.projection';
import { revenueProjection } from './revenue/revenue.projection';
import { reputationProjection } from './reputation/reputation.projection';
import { dataRequestsProjection } from './data-requests/data-requests.projection';

/** How long a read waits for the read models to reach the log head before answering from what they have (and saying so in `position`). */
const CATCH_UP_MS = 2000;

export type LedgerProjectionName = 'pool' | 'revenue' | 'accounts' | 'auditTrail' | 'reputation' | 'dataRequests';

/**
 * Runs the ledger projections in this process (checkpointed catch-up
 * subscriptions) and turns their committed changes into SSE messages.
 * The queries of each read model (pool/, revenue/, accounts/,
 * audit-trail/) read through it at ONE log position: min(requested, the
 * checkpoints of the read models they join), so figures from different read
 * models never mix two moments, and the answer says which position it was.
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
    projections: ProjectionRegistry,
  ) {
    this.runners = {
      pool: projections.runner(store, events, poolProjection),
      revenue: projections.runner(store, events, revenueProjection),
      accounts: projections.runner(store, events, accountsProjection),
      auditTrail: projections.runner(store, events, auditTrailProjection),
      reputation: projections.runner(store, events, reputationProjection),
      dataRequests: projections.runner(store, events, dataRequestsProjection),
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

  /** The position to answer a request at, after validating asOf/atPosition. */
  async positionFor(query: PointInTimeQuery, models: readonly LedgerProjectionName[]): Promise<number> {
    const requested = await requestedPosition(this.events, query);
    return answerPosition(requested, await this.readablePosition(models));
  }

  /** Every document of a collection at a position, read page by page. */
  async all<T extends ReadModelDocument>(collection: string, atPosition: number): Promise<T[]> {
    const out: T[] = [];
    let after: string | undefined;
    do {
      const page = await this.store.find<T>(collection, { atPosition, after, limit: MAX_PAGE_SIZE });
      out.push(...page.items.map((i) => i.doc));
      after = page.nextCursor;
    } while (after);
    return out;
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
