/**
 * The blob store port: immutable, content-addressed storage for uploaded
 * datasets and per-dataset reports. An abstract class so that it doubles as
 * the Nest DI token; every adapter (local directory, MongoDB GridFS) passes
 * the one contract suite in test/contract/blob-store.contract.ts.
 *
 * A blob is named by the SHA-256 of its bytes (`sha256:<64 hex>`), so events
 * can reference it by hash and anyone can check that the bytes are the ones
 * the log speaks of. Putting the same bytes twice stores them once.
 *
 * There is deliberately no delete: blobs are evidence. Events are never
 * deleted and they reference blobs by hash; a withdrawn dataset's file is
 * still needed to explain past payouts and to re-run `reprocess --verify`.
 * Erasure (e.g. a legal request) is a separate, audited admin operation on
 * the adapter, not something the application does in passing.
 */
import type { Readable } from 'node:stream';

/** `sha256:` followed by 64 lowercase hex digits. */
export type BlobRef = string;

export interface BlobInfo {
  ref: BlobRef;
  /** 64 lowercase hex digits. */
  sha256: string;
  sizeBytes: number;
}

export interface PutResult extends BlobInfo {
  /** False when identical bytes were already stored (deduplicated). */
  created: boolean;
}

export interface PutOptions {
  /**
   * Refuse more than this many bytes: the write is aborted, nothing is kept
   * and PayloadTooLargeError (code `blob-too-large`) is thrown. The source is
   * destroyed (it is no longer read), so an HTTP route should answer 413 and
   * close the connection.
   */
  maxBytes?: number;
}

/**
 * Bytes written and hashed but not yet under their name: nothing can read
 * them. `commit` makes them the blob (deduplicated like putStream);
 * `discard` removes them. Exactly one of the two must be called; a process
 * that dies in between leaves a temporary that the adapter sweeps.
 */
export interface StagedBlob extends BlobInfo {
  commit(): Promise<PutResult>;
  discard(): Promise<void>;
}

/** Bytes `start` (inclusive) to `end` (exclusive; default: the end of the blob), clamped to the blob's size. */
export interface ByteRange {
  start: number;
  end?: number;
}

export interface BlobStoreHealth {
  ok: boolean;
  kind: string;
  detail?: string;
}

export abstract class BlobStore {
  /**
   * Streams bytes into the store with constant memory, hashing while
   * writing. Resolves only once the blob is durable (an acknowledged blob
   * survives a crash).
   */
  abstract putStream(source: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<PutResult>;
  /**
   * Like putStream, but stops before the bytes become the blob, so a caller
   * can check what it received (e.g. an upload's other form fields, its
   * hash against what is already in the pool) and refuse without leaving an
   * unreferenced blob behind.
   */
  abstract stageStream(source: Readable | AsyncIterable<Uint8Array>, options?: PutOptions): Promise<StagedBlob>;
  abstract putBuffer(data: Uint8Array | string, options?: PutOptions): Promise<PutResult>;
  /**
   * The blob's bytes, or only `range` of them (e.g. one block of an indexed
   * report). Throws NotFoundError (code `blob-not-found`) when there is no such blob.
   */
  abstract getStream(ref: BlobRef, range?: ByteRange): Promise<Readable>;
  abstract exists(ref: BlobRef): Promise<boolean>;
  /** Size and hash of a stored blob; throws NotFoundError when missing. */
  abstract stat(ref: BlobRef): Promise<BlobInfo>;
  /** Re-reads the blob and checks its bytes still hash to its name. Throws NotFoundError when missing. */
  abstract verify(ref: BlobRef): Promise<boolean>;
  /**
   * A path on the local file system holding the blob's bytes, when the
   * adapter has one (readers needing random access, e.g. Parquet, use it
   * instead of copying the blob to a temporary file). Never write to it.
   */
  abstract localPath(ref: BlobRef): Promise<string | undefined>;
  abstract health(): Promise<BlobStoreHealth>;
  abstract close(): Promise<void>;
}
