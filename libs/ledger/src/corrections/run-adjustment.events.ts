import { PayoutPolicy } from '../agreements/agreement';

/** One contributor's change of net allocation by a correction; amount signed ("-1.25"). */
export interface RecordedAdjustment {
  contributorId: string;
  amount: string;
}

/**
 * Stream `adjustment-<correctionId>`: PayoutRunAdjustmentsRecorded × chunkCount
 * then PayoutRunAdjusted, appended by the payout processor when it meets a
 * RevenueCorrected, in bounded appends like a payout run (the first with
 * `no-stream`, the rest at the stream's revision, PayoutRunAdjusted last; a
 * stream found begun is completed after checking it against the
 * recomputation), so a correction is adjusted at most once, like a report
 * is paid at most once. Other events may sit between the chunks in the log.
 */
export interface PayoutRunAdjustmentsRecorded {
  type: 'PayoutRunAdjustmentsRecorded';
  data: {
    revenueId: string;
    consumerId: string;
    correctionId: string;
    currency: string;
    /** 0-based; chunks hold consecutive adjustments in contributorId order. */
    chunkIndex: number;
    adjustments: RecordedAdjustment[];
  };
}

export interface PayoutRunAdjusted {
  type: 'PayoutRunAdjusted';
  data: {
    revenueId: string;
    consumerId: string;
    correctionId: string;
    currency: string;
    /** The original run's pool position and policy: a correction is re-allocated on the same pool. */
    poolPosition: number;
    policy: PayoutPolicy;
    alpha: string;
    /** Revenue amount before and after the correction. */
    previousAmount: string;
    amount: string;
    /** The run as it stands after the correction (net): floor(amount × α), its remainder, unallocated and allocated parts. */
    poolAmount: string;
    remainder: string;
    unallocated: string;
    allocated: string;
    /** Σ adjustments (signed): what moved to (+) or from (−) contributors' payables. */
    adjusted: string;
    /** Change of what the consumer retains (remainder + unallocated), signed. */
    retainedAdjustment: string;
    adjustmentCount: number;
    chunkCount: number;
    /** allocationRootHash of the net allocations after the correction (every contributor of the run, zeros included). */
    rootHash: string;
    roundingRuleVersion: string;
  };
}

export type RunAdjustmentEvent = PayoutRunAdjustmentsRecorded | PayoutRunAdjusted;
