import { canonicalHash } from '@1tt/canonical-json';
import type { EventMetadata, RecordedEvent } from './event-store.port';

/** prevHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * What the hash covers. The global position is deliberately left out:
 * EventStoreDB assigns it after the write, so the hash must be computable
 * before the event has a position, and both stores hash the same fields.
 */
export interface HashedEventFields {
  streamName: string;
  revision: number;
  id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  prevHash: string;
}

/** sha256(canonicalJson({data, id, metadata, prevHash, revision, streamName, type})). */
export function eventHash(e: HashedEventFields): string {
  return canonicalHash({
    streamName: e.streamName,
    revision: e.revision,
    id: e.id,
    type: e.type,
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
  });
}

/** The name the rest of the code base uses for eventHash. */
export const computeEventHash = eventHash;

export type ChainProblemReason = 'hash-mismatch' | 'prev-hash-mismatch' | 'revision-gap';

export interface ChainProblem {
  position: number;
  streamName: string;
  revision: number;
  id: string;
  reason: ChainProblemReason;
}

export interface ChainVerification {
  ok: boolean;
  /** Events checked (up to and including the first problem). */
  checked: number;
  firstProblem?: ChainProblem;
}

/**
 * Checks the per-stream hash chains of a sequence of events in log (or
 * stream) order: one stream (readStream forwards from revision 0) or the
 * whole log (readAll from position 1). Every stream must be read from its
 * first event: the check tracks, per stream, the last hash and the next
 * expected revision, so memory grows with the number of streams, not events.
 * Stops at the first problem.
 */
export async function verifyChain(events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>): Promise<ChainVerification> {
  const chain = createChainCheck();
  for await (const e of events) {
    const problem = chain.check(e);
    if (problem) return { ok: false, checked: chain.checked, firstProblem: problem };
  }
  return { ok: true, checked: chain.checked };
}

/** verifyChain one event at a time (for callers that receive the log in batches, e.g. on a worker thread). */
export interface ChainCheck {
  /** Checks the next event in log order; the first problem, or undefined. Call no more after a problem. */
  check(e: RecordedEvent): ChainProblem | undefined;
  readonly checked: number;
}

export function createChainCheck(): ChainCheck {
  const tips = new Map<string, { hash: string; nextRevision: number }>();
  let checked = 0;
  return {
    get checked() {
      return checked;
    },
    check(e) {
      checked += 1;
      const tip = tips.get(e.streamName) ?? { hash: GENESIS_HASH, nextRevision: 0 };
      let reason: ChainProblemReason | undefined;
      if (e.revision !== tip.nextRevision) reason = 'revision-gap';
      else if (e.prevHash !== tip.hash) reason = 'prev-hash-mismatch';
      else if (eventHash(e) !== e.hash) reason = 'hash-mismatch';
      if (reason) return { position: e.position, streamName: e.streamName, revision: e.revision, id: e.id, reason };
      tips.set(e.streamName, { hash: e.hash, nextRevision: e.revision + 1 });
      return undefined;
    },
  };
}
