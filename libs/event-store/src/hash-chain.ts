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
  const tips = new Map<string, { hash: string; nextRevision: number }>();
  let checked = 0;
  for await (const e of events) {
    checked += 1;
    const tip = tips.get(e.streamName) ?? { hash: GENESIS_HASH, nextRevision: 0 };
    let reason: ChainProblemReason | undefined;
    if (e.revision !== tip.nextRevision) reason = 'revision-gap';
    else if (e.prevHash !== tip.hash) reason = 'prev-hash-mismatch';
    else if (eventHash(e) !== e.hash) reason = 'hash-mismatch';
    if (reason) {
      return {
        ok: false,
        checked,
        firstProblem: { position: e.position, streamName: e.streamName, revision: e.revision, id: e.id, reason },
      };
    }
    tips.set(e.streamName, { hash: e.hash, nextRevision: e.revision + 1 });
  }
  return { ok: true, checked };
}
