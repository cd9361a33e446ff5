import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { EventStore } from '@1tt/event-store';
import { ProjectionRunner, ReadModelStore } from '@1tt/read-models';
import { ProjectionRegistry } from '../../stores/projection-registry';
import { answerPosition, requestedPosition, type PointInTimeQuery } from '../../http/point-in-time.params';
import { datasetProjection } from './dataset.projection';
import type { ReadAt } from './dataset.query';

/** How long a read waits for the datasets read model to reach the log head before answering from what it has. */
const CATCH_UP_MS = 5000;

/**
 * Runs the datasets projection (checkpointed catch-up subscription) in
 * this process, and lets a read first catch up with the log head, so that a
 * GET right after a 202 sees the upload.
 */
@Injectable()
export class DatasetReadModelService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runner: ProjectionRunner;

  constructor(
    readonly store: ReadModelStore,
    private readonly events: EventStore,
    projections: ProjectionRegistry,
  ) {
    this.runner = projections.runner(store, events, datasetProjection);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  async catchUp(): Promise<void> {
    await this.runner.waitFor(await this.events.headPosition(), CATCH_UP_MS);
  }

  /**
   * The position a read answers at, as the ledger's reads do: the one asked
   * for (asOf/atPosition, validated), but never past what the datasets read
   * model has applied (after catching up with the head).
   */
  async positionFor(query: PointInTimeQuery): Promise<ReadAt> {
    const requested = await requestedPosition(this.events, query);
    await this.catchUp();
    return { position: answerPosition(requested, await this.store.getCheckpoint(datasetProjection.name)), live: requested === undefined };
  }
}
