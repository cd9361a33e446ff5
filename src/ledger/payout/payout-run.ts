import { canonicalHash } from '@1tt/canonical-json';
import type { NewEvent } from '@1tt/event-store';
import { allocate, parseAlpha, parseNonNegativeAmount, poolAmountOf, ROUNDING_RULE_VERSION } from '@1tt/ledger';
import type { PayoutPool, RunAllocation } from './payout-pool';

/** Allocation lines per event: ~120 bytes each keeps an event far under 1 MiB. */
export const ALLOCATIONS_PER_EVENT = 2000;

export interface RevenueReportedData {
  revenueId: string;
  consumerId: string;
  amount: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  alpha: string;
  policy?: string;
}

/** Root hash over the sorted allocation lines (the audit recomputes it the same way). */
export function allocationRootHash(revenueId: string, allocations: readonly RunAllocation[]): string {
  return canonicalHash({ revenueId, allocations: allocations.map((a) => [a.contributorId, a.tokens, a.amount]) });
}

/**
 * The payout run of a revenue report, from the pool as folded up to (not
 * including) the report's position, with the agreement terms copied into
 * the report. Deterministic: the same log gives the same events (ids are
 * left to the store). Small runs are one PayoutRunCompleted carrying the
 * allocations; larger ones are PayoutRunChunkRecorded events then a
 * PayoutRunCompleted with an empty list and the chunk count, all in one
 * append so a run is never half-recorded.
 */
export function computePayoutRun(report: RevenueReportedData, reportPosition: number, pool: PayoutPool): NewEvent[] {
  const amount = parseNonNegativeAmount(report.amount, report.currency);
  const poolAmount = poolAmountOf(amount, parseAlpha(report.alpha));
  const policy = report.policy === 'time-weighted' ? 'time-weighted' : 'snapshot';
  const weights = policy === 'snapshot' ? pool.snapshotWeights() : pool.timeWeightedWeights(Date.parse(report.periodStart), Date.parse(report.periodEnd));
  const ids = [...weights.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const result = allocate(
    poolAmount,
    ids.map((contributorId) => ({ contributorId, weight: weights.get(contributorId)!.weight })),
  );
  let totalTokens = 0n;
  const allocations: RunAllocation[] = result.allocations.map((a) => {
    const tokens = weights.get(a.contributorId)!.tokens;
    totalTokens += tokens;
    return { contributorId: a.contributorId, tokens: tokens.toString(), weight: a.weight.toString(), amount: a.amount.toString() };
  });
  const rootHash = allocationRootHash(report.revenueId, allocations);
  const summary = {
    revenueId: report.revenueId,
    consumerId: report.consumerId,
    policy,
    poolPosition: reportPosition,
    totalTokens: totalTokens.toString(),
    totalWeight: result.totalWeight.toString(),
    currency: report.currency,
    revenueAmount: report.amount,
    alpha: report.alpha,
    poolAmount: poolAmount.toString(),
    remainder: (amount - poolAmount).toString(),
    unallocated: result.unallocated.toString(),
    rootHash,
    roundingRule: ROUNDING_RULE_VERSION,
    allocationCount: allocations.length,
  };
  const metadata = { actor: 'system:payout-processor', correlationId: report.revenueId };
  if (allocations.length <= ALLOCATIONS_PER_EVENT) {
    return [{ type: 'PayoutRunCompleted', data: { ...summary, chunkCount: 0, allocations }, metadata }];
  }
  const events: NewEvent[] = [];
  for (let i = 0, chunk = 0; i < allocations.length; i += ALLOCATIONS_PER_EVENT, chunk++) {
    events.push({
      type: 'PayoutRunChunkRecorded',
      data: { revenueId: report.revenueId, currency: report.currency, chunk, allocations: allocations.slice(i, i + ALLOCATIONS_PER_EVENT) },
      metadata,
    });
  }
  events.push({ type: 'PayoutRunCompleted', data: { ...summary, chunkCount: events.length, allocations: [] }, metadata });
  return events;
}
