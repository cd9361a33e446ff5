import type { RecordedEvent } from '@1tt/event-store';
import type { ReadModelDocument } from './read-model-store.port';

/**
 * What a projection handler writes with: the read-model transaction bound
 * to the position of the event being applied, so a handler cannot write at
 * the wrong position. Reads see the projection's own collections as of the
 * start of the batch plus every write made so far in the batch.
 */
export interface ProjectionTransaction {
  /** Global log position of the event being applied. */
  readonly position: number;
  get<T extends ReadModelDocument = ReadModelDocument>(collection: string, id: string): Promise<T | undefined>;
  put(collection: string, id: string, doc: ReadModelDocument): void;
  remove(collection: string, id: string): void;
}

export type ProjectionCollection = string | { name: string; indexes?: readonly string[] };

/**
 * A named read model fed by the whole log. `apply` must be deterministic
 * and depend only on the event and what it reads through tx (no clock, no
 * other store), so that a rebuild from 0 gives the same versions as the
 * live run, and a batch replayed after a crash changes nothing.
 */
export interface Projection<E extends RecordedEvent = RecordedEvent> {
  /** Names the checkpoint; unique per store. */
  name: string;
  /** Bump it when apply or the document shapes change: the runner then rebuilds from 0. */
  version: string | number;
  /** Collections this projection owns (its only writer); reset on rebuild. */
  collections: readonly ProjectionCollection[];
  /** Event types apply wants; others are skipped (the checkpoint still moves past them). Default: all. */
  handles?: readonly string[];
  apply(tx: ProjectionTransaction, event: E): Promise<void> | void;
}

export function collectionName(c: ProjectionCollection): string {
  return typeof c === 'string' ? c : c.name;
}
