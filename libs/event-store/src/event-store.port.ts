/**
 * The event log port. An abstract class so that it doubles as the Nest DI
 * token; every adapter (embedded SQLite, EventStoreDB) passes the one
 * contract suite in test/contract/event-store.contract.ts.
 *
 * Numbers: stream revisions are 0-based per stream and consecutive. Global
 * positions are opaque, ordered cursors: strictly increasing across the
 * whole log, but NOT consecutive (EventStoreDB's are byte offsets of its
 * transaction file, PostgreSQL sequences have gaps). 0 means "before the
 * first event". Never compute a position (no `p + 1`, no `p - 1`): ask for
 * events after a position you were handed (`afterPosition`, a subscription's
 * `checkpoint`) and compare positions only with < and >. Both are plain safe
 * integers: adapters whose client speaks bigint normalise and refuse values
 * past Number.MAX_SAFE_INTEGER. The contract suite runs against a store
 * whose positions have gaps (GappedEventStore) to keep the code honest.
 */

/** Optimistic concurrency: what the caller believes the stream looks like. */
export type ExpectedRevision = 'no-stream' | 'exists' | 'any' | number;

export interface EventMetadata {
  correlationId: string;
  causationId: string;
  /** Who caused it: "admin:<id>", "contributor:<id>", "system:<process>". */
  actor: string;
  /**
   * Version of the log format the event was written in: set by the command
   * path (`eventMetadata`, LEDGER_SCHEMA_VERSION) on every domain append.
   * The store records what it is given and invents none (absent on events a
   * test or tool appended without it).
   */
  schemaVersion?: number;
  /**
   * ISO-8601 UTC time the store recorded the event. Assigned by the store at
   * append (never by the caller) and non-decreasing with position, so that
   * "as of time T" maps to "at the last position recorded at or before T".
   */
  recordedAt: string;
}

/** What a caller appends. `id` defaults to a fresh uuid. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  id?: string;
  type: TType;
  data: TData;
  metadata?: Partial<Omit<EventMetadata, 'recordedAt'>>;
}

export interface RecordedEvent<TType extends string = string, TData = unknown> {
  id: string;
  streamName: string;
  type: TType;
  data: TData;
  metadata: EventMetadata;
  /** 0-based revision within its stream. */
  revision: number;
  /** Global position in the whole log: an opaque cursor, greater than every earlier event's (never assume +1). */
  position: number;
  /** Hash of the previous event of the same stream; GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 over the canonical serialisation of this event and prevHash. */
  hash: string;
}

export interface AppendOptions {
  expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the last event written; pass it as expectedRevision next time. */
  nextExpectedRevision: number;
  /** Global position of the last event written. */
  position: number;
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /**
   * Exclusive lower bound: events strictly after this position. 0 = from the
   * start. Must be 0 or the position of an event the store handed out (an
   * EventStoreDB position inside a record is refused): the way to continue
   * after the last event seen.
   */
  afterPosition?: number;
  /**
   * Inclusive lower bound: the event at this position and those after it.
   * Must be at most 1 (= the start) or the position of an event the store
   * handed out. Give either afterPosition or fromPosition, not both.
   */
  fromPosition?: number;
  /** Inclusive upper bound (any number: a bound, not a cursor); defaults to the head of the log at the time of the call. */
  toPosition?: number;
  maxCount?: number;
  /** Hint for adapters that page: events fetched per round trip. */
  pageSize?: number;
}

export interface SubscribeToAllOptions {
  /**
   * Position of the last event the subscriber has already handled (0 or
   * undefined = from the start). Delivery starts strictly after it.
   */
  checkpoint?: number;
  /** At most this many events per handler call (default 500). */
  maxBatchSize?: number;
  /**
   * Called with consecutive events in log order; the next batch is not
   * delivered until the returned promise settles. A rejection stops the
   * subscription and is reported through `onError`/`done`.
   */
  handler: (events: RecordedEvent[]) => Promise<void> | void;
  /** Called once when the subscription has delivered everything that existed when it started. */
  onCaughtUp?: (position: number) => void;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is in flight. */
  stop(): Promise<void>;
  /** Settles when the subscription ends: resolves on stop(), rejects on a handler or store error. */
  readonly done: Promise<void>;
}

export interface StoreHealth {
  ok: boolean;
  kind: string;
  detail?: string;
  headPosition?: number;
}

export abstract class EventStore {
  abstract appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Throws StreamNotFound when the stream has no events. */
  abstract readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Streams the log in position order with constant memory. */
  abstract readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  /** Catch-up subscription over the whole log that turns live; never skips or repeats an event. */
  abstract subscribeToAll(options: SubscribeToAllOptions): Subscription;
  /** Whether the stream has at least one event. Built on streamRevision, so adapters need not repeat it. */
  async streamExists(streamName: string): Promise<boolean> {
    return (await this.streamRevision(streamName)) !== undefined;
  }
  /** Current revision of a stream, or undefined when it does not exist. */
  abstract streamRevision(streamName: string): Promise<number | undefined>;
  /** Position of the last event in the log (0 when empty). */
  abstract headPosition(): Promise<number>;
  /** Last position recorded at or before the given time (0 if none). */
  abstract positionAt(time: Date): Promise<number>;
  abstract health(): Promise<StoreHealth>;
  abstract close(): Promise<void>;
}
