/**
 * The read-model store port: a TEMPORAL document store, so every read model
 * answers "as of log position P" without replaying the log. An abstract class
 * so that it doubles as the Nest DI token; every adapter (embedded SQLite,
 * MongoDB) passes the one contract suite in
 * test/contract/read-model-store.contract.ts.
 *
 * Model: documents are JSON objects in named collections, keyed by a string
 * id. Every write happens at a log position and creates a version
 * [validFrom, validTo): `put` at P closes the version valid just before P
 * (validTo = P) and opens a new one (validFrom = P); `remove` at P closes it.
 * A read at position P returns the version with validFrom <= P < validTo, so
 * the effect of the event at P is included. Nothing is ever overwritten
 * except by `reset` (rebuild from position 0).
 *
 * A collection belongs to ONE projection (its only writer); the projection's
 * checkpoint says up to which log position its collections are complete.
 * Readers that want a consistent snapshot across several reads (and the
 * "reflects position" figure of an API answer) should read at
 * `atPosition = min(requested, checkpoint)`: on MongoDB without
 * transactions, writes beyond the checkpoint may be half applied.
 */

/** Field values usable in `where` and `orderBy`. */
export type FieldValue = string | number | boolean | null;

/** A JSON object (what JSON.stringify/parse round-trips; no bigint, no Date). */
export type ReadModelDocument = Record<string, unknown>;

/** Open versions have validTo = OPEN_VERSION (max safe integer) internally; the API shows undefined. */
export const OPEN_VERSION = Number.MAX_SAFE_INTEGER;

export interface ReadOptions {
  /** Answer as of this log position (>= 0); default: the latest version. */
  atPosition?: number;
}

export interface FindOptions extends ReadOptions {
  /** Equality on top-level fields (null also matches a missing field). */
  where?: Record<string, FieldValue>;
  /**
   * `id` (default) or a top-level field; ties are broken by id. A field
   * used for ordering should hold one JSON type across documents (all
   * numbers or all strings); missing/null sort first.
   */
  orderBy?: string;
  direction?: 'asc' | 'desc';
  /** `nextCursor` of the previous page (same where/orderBy/direction/atPosition). */
  after?: string;
  /** Page size, 1..1000, default 100. */
  limit?: number;
}

/** One version of a document. */
export interface ReadModelVersion<T extends ReadModelDocument = ReadModelDocument> {
  id: string;
  doc: T;
  /** Log position of the write that created this version. */
  validFrom: number;
  /** Position at which it was replaced or removed; undefined while current. */
  validTo?: number;
}

export interface FindPage<T extends ReadModelDocument = ReadModelDocument> {
  items: ReadModelVersion<T>[];
  /** Present when more items may follow; pass as `after`. */
  nextCursor?: string;
}

export interface CollectionOptions {
  /** Top-level fields to index for `where` and `orderBy`. */
  indexes?: readonly string[];
}

/**
 * Writes inside `transact`. Reads see the store as of the projection's
 * checkpoint when the transaction began, overlaid with this transaction's
 * own writes; so a batch replayed after a crash reads exactly what the first
 * attempt read, even where that attempt left writes behind (MongoDB).
 */
export interface ReadModelTransaction {
  readonly projection: string;
  /** The projection's checkpoint when the transaction began. */
  readonly basePosition: number;
  get<T extends ReadModelDocument = ReadModelDocument>(collection: string, id: string): Promise<T | undefined>;
  /** Position must be > basePosition and not lower than an earlier write of the same document in this transaction. */
  put(collection: string, id: string, doc: ReadModelDocument, position: number): void;
  remove(collection: string, id: string, position: number): void;
  /**
   * Moves the checkpoint (never backwards). When not called, or called with
   * less than the highest write position, the checkpoint becomes that
   * highest write position: writes are never left beyond the checkpoint.
   */
  setCheckpoint(position: number): void;
}

export interface DocumentChange {
  collection: string;
  id: string;
  position: number;
  removed: boolean;
}

export interface TransactResult {
  previousCheckpoint: number;
  checkpoint: number;
  /** One entry per document version written (same document and position collapsed). */
  changes: DocumentChange[];
}

export interface ProjectionState {
  position: number;
  /** The projection version recorded by the last reset (undefined if never reset). */
  version?: string;
  updatedAt: string;
}

export interface ResetOptions {
  /** Recorded with the checkpoint; the runner rebuilds when it differs from the projection's. */
  version?: string;
}

export interface ReadModelStoreHealth {
  ok: boolean;
  kind: string;
  detail?: string;
}

export abstract class ReadModelStore {
  /** Creates the indexes for a collection (idempotent; call at start-up). */
  abstract ensureCollection(collection: string, options?: CollectionOptions): Promise<void>;
  /** The version valid at `atPosition` (default latest), or undefined when the document did not exist then. */
  abstract get<T extends ReadModelDocument = ReadModelDocument>(
    collection: string,
    id: string,
    options?: ReadOptions,
  ): Promise<ReadModelVersion<T> | undefined>;
  /** A page of the documents valid at `atPosition`, keyset-paginated. */
  abstract find<T extends ReadModelDocument = ReadModelDocument>(collection: string, options?: FindOptions): Promise<FindPage<T>>;
  /**
   * Runs fn with a write buffer, then commits its writes and the
   * projection's checkpoint: all or nothing on SQLite (one transaction);
   * idempotent and checkpoint-last on MongoDB (see the adapter). An error
   * thrown by fn writes nothing. Throws ConflictError (code
   * `checkpoint-moved`) when another writer moved the checkpoint meanwhile.
   */
  abstract transact(projection: string, fn: (tx: ReadModelTransaction) => Promise<void> | void): Promise<TransactResult>;
  /** Last position applied by the projection (0 when none). */
  abstract getCheckpoint(projection: string): Promise<number>;
  abstract getProjectionState(projection: string): Promise<ProjectionState | undefined>;
  /** Deletes every version of the collections and sets the checkpoint to 0 (rebuild from the start). */
  abstract reset(projection: string, collections: readonly string[], options?: ResetOptions): Promise<void>;
  abstract health(): Promise<ReadModelStoreHealth>;
  abstract close(): Promise<void>;
}
