import { canonicalHash } from '@1tt/canonical-json';
import type { RecordedAllocation } from './ledger-replay';

// PROVISIONAL until @1tt/ledger exports the run's root hash function: replaced by it.
export function allocationRootHash(revenueId: string, allocations: readonly RecordedAllocation[]): string {
  return canonicalHash({ revenueId, allocations: allocations.map((a) => [a.contributorId, a.tokens.toString(), a.amount.toString()]) });
}
