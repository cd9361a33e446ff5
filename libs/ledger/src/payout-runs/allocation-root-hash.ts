import { createHash } from 'node:crypto';
import { canonicalJson } from '@1tt/canonical-json';
import { RecordedAllocation } from './payout-run.events';

/**
 * rootHash of a payout run (rule "ndjson-sha256/v1"):
 *
 *   rootHash = hex(SHA-256( line_1 ‖ line_2 ‖ … ‖ line_n ))
 *   line_i   = canonicalJson(allocation_i) + "\n"
 *
 * over the recorded allocations {amount, contributorId, tokens, weight} (all
 * strings) in contributorId order, i.e. the order of the chunk events. With
 * no allocations it is SHA-256 of the empty string. Chosen over a Merkle tree
 * because anyone can recompute it with `sha256sum` over an NDJSON export, and
 * it costs one hash pass for a million lines; it proves the whole list, not a
 * single line (a contributor checks their line against the chunk events).
 */
export const ALLOCATION_ROOT_HASH_RULE = 'ndjson-sha256/v1';

export function allocationRootHash(allocations: Iterable<RecordedAllocation>): string {
  const hash = createHash('sha256');
  for (const a of allocations) hash.update(`${canonicalJson(a)}\n`);
  return hash.digest('hex');
}
