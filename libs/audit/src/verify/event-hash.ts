import { computeEventHash, GENESIS_HASH, type RecordedEvent } from '@1tt/event-store';

export { GENESIS_HASH };

/** The event store's own hash function: an export verifies exactly as the store chains it. */
export function recomputeEventHash(e: RecordedEvent): string {
  return computeEventHash(e);
}
