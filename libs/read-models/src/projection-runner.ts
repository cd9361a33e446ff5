import { Observable, Subject } from 'rxjs';
import { ConflictError, ValidationError } from '@1tt/domain-errors';
import { LogFollower, type EventStore, type LogFollowerStatus, type RecordedEvent } from '@1tt/event-store';
import { collectionName, Projection, ProjectionTransaction } from './projection';
import { DocumentChange, ReadModelStore, ReadModelTransaction } from './read-model-store.port';

/** Published after each committed batch that changed at least one document. */
export interface ReadModelChange {
  projection: string;
  /** Checkpoint after the batch: reads at this position see the change. */
  position: number;
  /** Checkpoint before the batch. */
  previousPosition: number;
  /** Distinct collections touched. */
  collections: string[];
  /** Every document version written, in position order. */
  changes: DocumentChange[];
}

export type ProjectionStatus = LogFollowerStatus;

export interface ProjectionRunnerHealth {
  projection: string;
  status: ProjectionStatus;
  position: number;
  error?: string;
}

export interface ProjectionRunnerOptions {
  /** Events per batch (one read-model transaction each). Default 500. */
  maxBatchSize?: number;
  /** Called on each failure (status 'failed'; the retry is scheduled): log it. */
  onError?: (error: Error, runner: ProjectionRunner) => void;
  /** First delay before a retry after a failure (doubles up to 30 s). Default 1000 ms. */
  retryDelayMs?: number;
}

/**
 * Runs one projection on the log follower (LogFollower): reads its
 * checkpoint, follows the whole log from there (catch-up, then live), and
 * applies each delivered batch inside ONE read-model transaction that also
 * moves the checkpoint to the batch's last position. On SQLite a crash, or
 * an error in apply, therefore leaves either the whole batch and its
 * checkpoint or neither; on restart the batch is delivered again and
 * applied exactly once.
 *
 * An error in apply (or in a store) is the follower's failure policy:
 * status 'failed' with `error`, waiting readers get the error, /health
 * shows it, and the runner retries from its checkpoint with a growing delay
 * (a poison event thus stays failed and visible until fixed; a transient
 * store fault heals). Another process projecting into the same store is not
 * a failure: events at or below the stored checkpoint are skipped, and a
 * ConflictError `checkpoint-moved` at commit makes the runner continue from
 * the checkpoint that process reached.
 */
export class ProjectionRunner {
  private readonly changeSubject = new Subject<ReadModelChange>();
  /** "Read model changed" notifications (the API turns them into SSE). */
  readonly changes: Observable<ReadModelChange> = this.changeSubject.asObservable();
  private readonly collections: Set<string>;
  private readonly handles?: Set<string>;
  readonly follower: LogFollower;

  constructor(
    private readonly store: ReadModelStore,
    events: EventStore,
    readonly projection: Projection,
    options: ProjectionRunnerOptions = {},
  ) {
    this.collections = new Set(projection.collections.map(collectionName));
    this.handles = projection.handles ? new Set(projection.handles) : undefined;
    this.follower = new LogFollower(events, {
      name: projection.name,
      maxBatchSize: options.maxBatchSize ?? 500,
      retryDelayMs: options.retryDelayMs,
      resume: () => this.prepare(),
      handle: (batch) => this.applyBatch(batch),
      restartsOn: (e) => e instanceof ConflictError && e.code === 'checkpoint-moved',
      onFailure: (e) => options.onError?.(e, this),
    });
  }

  /** Last log position applied (the checkpoint). */
  get position(): number {
    return this.follower.position;
  }

  get status(): ProjectionStatus {
    return this.follower.status;
  }

  get error(): Error | undefined {
    return this.follower.error;
  }

  /**
   * Prepares the collections (indexes), rebuilds from 0 when the stored
   * version differs from the projection's, and follows the log from the
   * checkpoint. Resolves once subscribed, not once caught up: use
   * waitFor(await events.headPosition()) for that.
   */
  async start(): Promise<void> {
    await this.follower.start();
  }

  /** Stops delivery; resolves once no batch is in flight. Pending waitFor calls resolve false. */
  async stop(): Promise<void> {
    await this.follower.stop();
  }

  /** Deletes the projection's collections and replays the whole log from position 0. */
  async rebuild(): Promise<void> {
    await this.stop();
    await this.resetStore();
    await this.start();
  }

  /**
   * Resolves true once the read model reflects `position` (e.g. the position
   * of the caller's own append), false after timeoutMs or when the runner
   * stops; rejects while the runner is failed.
   */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    return this.follower.waitFor(position, timeoutMs);
  }

  health(): ProjectionRunnerHealth {
    return { projection: this.projection.name, status: this.status, position: this.position, error: this.error?.message };
  }

  /** Where to continue (asked at every start and retry): the collections exist, the version matches, the checkpoint. */
  private async prepare(): Promise<number> {
    for (const c of this.projection.collections) {
      await this.store.ensureCollection(collectionName(c), typeof c === 'string' ? {} : { indexes: c.indexes });
    }
    const state = await this.store.getProjectionState(this.projection.name);
    // Position 0 is reset again too: a reset interrupted on MongoDB leaves a 0 checkpoint over stale versions.
    if (!state || state.version !== String(this.projection.version) || state.position === 0) await this.resetStore();
    return this.store.getCheckpoint(this.projection.name);
  }

  private async resetStore(): Promise<void> {
    await this.store.reset(this.projection.name, [...this.collections], { version: String(this.projection.version) });
  }

  private async applyBatch(events: RecordedEvent[]): Promise<number> {
    const last = events[events.length - 1].position;
    const result = await this.store.transact(this.projection.name, async (tx) => {
      for (const event of events) {
        // Already applied by another process projecting into the same store (its checkpoint says so).
        if (event.position <= tx.basePosition) continue;
        if (this.handles && !this.handles.has(event.type)) continue;
        await this.projection.apply(this.bind(tx, event.position), event);
      }
      if (last > tx.basePosition) tx.setCheckpoint(last);
    });
    if (result.changes.length > 0) {
      this.changeSubject.next({
        projection: this.projection.name,
        position: result.checkpoint,
        previousPosition: result.previousCheckpoint,
        collections: [...new Set(result.changes.map((c) => c.collection))],
        changes: result.changes,
      });
    }
    return result.checkpoint;
  }

  private bind(tx: ReadModelTransaction, position: number): ProjectionTransaction {
    const own = (collection: string) => {
      if (!this.collections.has(collection)) {
        throw new ValidationError(
          'collection-not-owned',
          `Projection ${this.projection.name} writes ${collection}, which it does not declare`,
          {
            field: 'collection',
            hint: "Add the collection to the projection's collections (each collection has one writer, so that a rebuild resets it).",
          },
        );
      }
      return collection;
    };
    return {
      position,
      get: (collection, id) => tx.get(collection, id),
      put: (collection, id, doc) => tx.put(own(collection), id, doc, position),
      remove: (collection, id) => tx.remove(own(collection), id, position),
    };
  }
}
