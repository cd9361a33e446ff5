import { Observable, Subject } from 'rxjs';
import { ConflictError, ValidationError } from '@1tt/domain-errors';
import { PositionWaiters, type EventStore, type RecordedEvent, type Subscription } from '@1tt/event-store';
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

export type ProjectionStatus = 'stopped' | 'catching-up' | 'live' | 'failed';

export interface ProjectionRunnerHealth {
  projection: string;
  status: ProjectionStatus;
  position: number;
  error?: string;
}

export interface ProjectionRunnerOptions {
  /** Events per batch (one read-model transaction each). Default 500. */
  maxBatchSize?: number;
  /** Called when the runner stops on an error (after `status` became 'failed'). */
  onError?: (error: Error, runner: ProjectionRunner) => void;
}

/**
 * Runs one projection: reads its checkpoint, subscribes to the whole log
 * from there (catch-up, then live), and applies each delivered batch inside
 * ONE read-model transaction that also moves the checkpoint to the batch's
 * last position. On SQLite a crash, or an error in apply, therefore leaves
 * either the whole batch and its checkpoint or neither; on restart the
 * batch is delivered again and applied exactly once.
 *
 * An error in apply stops the runner (status 'failed', `error` set): a
 * poison event must be looked at, not retried forever; start() again
 * resumes from the checkpoint. Another process projecting into the same
 * store is not a failure either: events at or below the stored checkpoint
 * are skipped, and a ConflictError `checkpoint-moved` at commit makes the
 * runner resubscribe from the checkpoint that process reached.
 */
export class ProjectionRunner {
  private readonly changeSubject = new Subject<ReadModelChange>();
  /** "Read model changed" notifications (the API turns them into SSE). */
  readonly changes: Observable<ReadModelChange> = this.changeSubject.asObservable();
  private readonly collections: Set<string>;
  private readonly handles?: Set<string>;
  private subscription?: Subscription;
  private readonly waiters = new PositionWaiters();
  private _position = 0;
  private _status: ProjectionStatus = 'stopped';
  private _error?: Error;
  private generation = 0;

  constructor(
    private readonly store: ReadModelStore,
    private readonly events: EventStore,
    readonly projection: Projection,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    this.collections = new Set(projection.collections.map(collectionName));
    this.handles = projection.handles ? new Set(projection.handles) : undefined;
  }

  /** Last log position applied (the checkpoint). */
  get position(): number {
    return this._position;
  }

  get status(): ProjectionStatus {
    return this._status;
  }

  get error(): Error | undefined {
    return this._error;
  }

  /**
   * Prepares the collections (indexes), rebuilds from 0 when the stored
   * version differs from the projection's, and subscribes from the
   * checkpoint. Resolves once subscribed, not once caught up: use
   * waitFor(await events.headPosition()) for that.
   */
  async start(): Promise<void> {
    if (this.subscription) return;
    for (const c of this.projection.collections) {
      await this.store.ensureCollection(collectionName(c), typeof c === 'string' ? {} : { indexes: c.indexes });
    }
    const state = await this.store.getProjectionState(this.projection.name);
    // Position 0 is reset again too: a reset interrupted on MongoDB leaves a 0 checkpoint over stale versions.
    if (!state || state.version !== String(this.projection.version) || state.position === 0) await this.resetStore();
    this.subscribe(await this.store.getCheckpoint(this.projection.name));
  }

  /** Stops delivery; resolves once no batch is in flight. Pending waitFor calls resolve false. */
  async stop(): Promise<void> {
    this.generation += 1;
    const sub = this.subscription;
    this.subscription = undefined;
    if (sub) await sub.stop();
    if (this._status !== 'failed') this._status = 'stopped';
    this.waiters.release();
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
   * stops; rejects when the runner fails.
   */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this._position >= position) return Promise.resolve(true);
    if (this._status === 'failed') return Promise.reject(this._error ?? new Error(`Projection ${this.projection.name} failed`));
    return this.waiters.until(position, timeoutMs);
  }

  health(): ProjectionRunnerHealth {
    return { projection: this.projection.name, status: this._status, position: this._position, error: this._error?.message };
  }

  private async resetStore(): Promise<void> {
    await this.store.reset(this.projection.name, [...this.collections], { version: String(this.projection.version) });
    this._position = 0;
  }

  private subscribe(checkpoint: number): void {
    const generation = ++this.generation;
    this._position = checkpoint;
    this._status = 'catching-up';
    this._error = undefined;
    // After a conflict the other process may already have passed what callers wait for.
    this.waiters.reached(checkpoint);
    const subscription = this.events.subscribeToAll({
      checkpoint,
      maxBatchSize: this.options.maxBatchSize ?? 500,
      handler: (events) => this.applyBatch(events),
      onCaughtUp: () => {
        if (generation === this.generation && this._status === 'catching-up') this._status = 'live';
      },
    });
    this.subscription = subscription;
    subscription.done.then(
      () => undefined,
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.subscription = undefined;
        if (e instanceof ConflictError && e.code === 'checkpoint-moved') {
          void this.store.getCheckpoint(this.projection.name).then(
            (cp) => generation === this.generation && this.subscribe(cp),
            (err: unknown) => this.fail(err),
          );
          return;
        }
        this.fail(e);
      },
    );
  }

  private async applyBatch(events: RecordedEvent[]): Promise<void> {
    if (events.length === 0) return;
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
    this._position = result.checkpoint;
    if (result.changes.length > 0) {
      this.changeSubject.next({
        projection: this.projection.name,
        position: result.checkpoint,
        previousPosition: result.previousCheckpoint,
        collections: [...new Set(result.changes.map((c) => c.collection))],
        changes: result.changes,
      });
    }
    this.waiters.reached(this._position);
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

  private fail(e: unknown): void {
    this._error = e instanceof Error ? e : new Error(String(e));
    this._status = 'failed';
    this.waiters.fail(this._error);
    this.options.onError?.(this._error, this);
  }
}
