// PROVISIONAL until @1tt/event-store exports its hash function: replaced by a re-export.
import { canonicalHash } from '@1tt/canonical-json';
import type { RecordedEvent } from '@1tt/event-store';

export const GENESIS_HASH = '0'.repeat(64);

export function recomputeEventHash(e: RecordedEvent): string {
  return canonicalHash({ id: e.id, streamName: e.streamName, revision: e.revision, type: e.type, data: e.data, metadata: e.metadata, prevHash: e.prevHash });
}
