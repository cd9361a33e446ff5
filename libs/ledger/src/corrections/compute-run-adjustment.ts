import { ROUNDING_RULE_VERSION } from '../allocation';
import { currencyExponent, formatMinor, formatScaled, parseNonNegativeAmount } from '../money';
import { PoolState } from '../pool/pool-state';
import { RevenueReported } from '../revenue/revenue.events';
import { allocationRootHash } from '../payout-runs/allocation-root-hash';
import { ALLOCATIONS_PER_CHUNK, computePayoutRun } from '../payout-runs/compute-payout-run';
import { RecordedAllocation } from '../payout-runs/payout-run.events';
import { RevenueCorrected } from './revenue-correction.events';
import { PayoutRunAdjusted, PayoutRunAdjustmentsRecorded, RecordedAdjustment, RunAdjustmentEvent } from './run-adjustment.events';

/** A run's figures at some revenue amount, over the original pool position and policy. */
export interface NetRun {
  allocations: RecordedAllocation[];
  poolAmount: bigint;
  remainder: bigint;
  unallocated: bigint;
  allocated: bigint;
}

/**
 * The run a report would have had at another amount: computePayoutRun over
 * the same report (pool position, policy, α, period, and whatever else the
 * report carries) with only the amount replaced. At zero (a reversal)
 * every allocation and part is zero; the contributors listed are the run's.
 */
export function netRunAt(report: RevenueReported['data'], reportPosition: number, pool: PoolState, amount: string): NetRun {
  const minor = parseNonNegativeAmount(amount, report.currency);
  const run = computePayoutRun({ report: minor === 0n ? report : { ...report, amount }, reportPosition, pool });
  const allocations: RecordedAllocation[] = [];
  for (const e of run.events) if (e.type === 'PayoutRunAllocationsRecorded') for (const a of e.data.allocations) allocations.push(a);
  const c = run.completed;
  if (minor === 0n) {
    const zero = formatMinor(0n, report.currency);
    return {
      allocations: allocations.map((a) => ({ ...a, amount: zero })),
      poolAmount: 0n,
      remainder: 0n,
      unallocated: 0n,
      allocated: 0n,
    };
  }
  const read = (v: string) => parseNonNegativeAmount(v, report.currency);
  return {
    allocations,
    poolAmount: read(c.poolAmount),
    remainder: read(c.remainder),
    unallocated: read(c.unallocated),
    allocated: read(c.allocated),
  };
}

export interface RunAdjustmentInput {
  /** The corrected report's RevenueReported data and position (the original run's pool position). */
  report: RevenueReported['data'];
  reportPosition: number;
  pool: PoolState;
  correction: RevenueCorrected['data'];
}

export interface RunAdjustmentResult {
  events: RunAdjustmentEvent[];
  adjusted: PayoutRunAdjusted['data'];
}

/**
 * The adjustment postings of one correction, as a pure function of the
 * report, its position, the pool fold and the correction: the run is
 * recomputed at the previous amount and at the corrected one, on the same
 * pool position (and so the same weights and largest-remainder ties), and
 * each contributor's difference is listed (zero differences left out).
 * Because every earlier correction moved the net allocation to exactly the
 * run at its amount, "the run at previousAmount" is what is booked now, and
 * after this correction the net allocation is exactly the run at `amount`.
 *
 * Postings: Σ adjustments + retainedAdjustment = amount − previousAmount,
 * which the RevenueCorrected posted from the consumer into the pool, so the
 * pool account returns to zero and every currency still sums to zero.
 */
export function computeRunAdjustment(input: RunAdjustmentInput): RunAdjustmentResult {
  const { report, reportPosition, pool, correction } = input;
  const currency = report.currency;
  const exponent = currencyExponent(currency);
  const before = netRunAt(report, reportPosition, pool, correction.previousAmount);
  const after = netRunAt(report, reportPosition, pool, correction.amount);
  const adjustments: RecordedAdjustment[] = [];
  let adjusted = 0n;
  // Both lists are the run's contributors in the run's canonical (contributorId) order.
  for (let i = 0; i < after.allocations.length; i++) {
    const a = after.allocations[i];
    const b = before.allocations[i];
    const diff = parseNonNegativeAmount(a.amount, currency) - parseNonNegativeAmount(b.amount, currency);
    if (diff === 0n) continue;
    adjusted += diff;
    adjustments.push({ contributorId: a.contributorId, amount: formatScaled(diff, exponent) });
  }
  const base = { revenueId: report.revenueId, consumerId: report.consumerId, correctionId: correction.correctionId, currency };
  const chunks: PayoutRunAdjustmentsRecorded[] = [];
  for (let i = 0; i < adjustments.length; i += ALLOCATIONS_PER_CHUNK) {
    chunks.push({
      type: 'PayoutRunAdjustmentsRecorded',
      data: { ...base, chunkIndex: chunks.length, adjustments: adjustments.slice(i, i + ALLOCATIONS_PER_CHUNK) },
    });
  }
  const retainedAdjustment = after.remainder + after.unallocated - (before.remainder + before.unallocated);
  const data: PayoutRunAdjusted['data'] = {
    ...base,
    poolPosition: reportPosition,
    policy: report.policy,
    alpha: report.alpha,
    previousAmount: correction.previousAmount,
    amount: correction.amount,
    poolAmount: formatMinor(after.poolAmount, currency),
    remainder: formatMinor(after.remainder, currency),
    unallocated: formatMinor(after.unallocated, currency),
    allocated: formatMinor(after.allocated, currency),
    adjusted: formatScaled(adjusted, exponent),
    retainedAdjustment: formatScaled(retainedAdjustment, exponent),
    adjustmentCount: adjustments.length,
    chunkCount: chunks.length,
    rootHash: allocationRootHash(after.allocations),
    roundingRuleVersion: ROUNDING_RULE_VERSION,
  };
  return { events: [...chunks, { type: 'PayoutRunAdjusted', data }], adjusted: data };
}
