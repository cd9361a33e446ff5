import type { ConsumerScope } from '../consent/consumer-scope';
import { PayoutPolicy } from '../agreements/agreement';

/** One contributor's line of a payout run; every number a decimal string. */
/** One data request's weight as a run used it (issue #15). */
export interface RequestWeightUsed {
  requestId: string;
  /** The request's weight, 1 < w ≤ 10, a decimal string. */
  weight: string;
  /** Credited tokens of this run's pool that weighed w times (digit string). */
  creditedTokens: string;
}

export interface RecordedAllocation {
  contributorId: string;
  /** The contributor's tokens in the pool at the run's pool position (a scoped run: the eligible ones). */
  tokens: string;
  /** The allocation weight: = tokens (snapshot) or Σ tokens × ms in the pool during the period (time-weighted). */
  weight: string;
  /** Decimal string in the run's currency. */
  amount: string;
}

/** Stream `payout-run-<revenueId>`: Started, AllocationsRecorded × chunkCount, Completed, appended at once with `no-stream`. */
export interface PayoutRunStarted {
  type: 'PayoutRunStarted';
  data: {
    revenueId: string;
    consumerId: string;
    /** Log position of the RevenueReported event: the pool is taken as of this position. */
    poolPosition: number;
    policy: PayoutPolicy;
    currency: string;
    /** The reported revenue and α, copied from the report. */
    amount: string;
    alpha: string;
    periodStart: string;
    periodEnd: string;
    roundingRuleVersion: string;
    /** The report's scope (issue #14); absent = the whole pool. */
    scope?: ConsumerScope;
    /** Data requests whose credited tokens weighed w times in this run (issue #15); absent: none (every w = 1). */
    requestWeights?: RequestWeightUsed[];
  };
}

export interface PayoutRunAllocationsRecorded {
  type: 'PayoutRunAllocationsRecorded';
  data: {
    revenueId: string;
    consumerId: string;
    currency: string;
    /** 0-based; chunks hold consecutive allocations in contributorId order. */
    chunkIndex: number;
    allocations: RecordedAllocation[];
  };
}

export interface PayoutRunCompleted {
  type: 'PayoutRunCompleted';
  data: {
    revenueId: string;
    consumerId: string;
    poolPosition: number;
    policy: PayoutPolicy;
    currency: string;
    amount: string;
    alpha: string;
    /** ΣT: tokens of all contributions in the pool at poolPosition. */
    totalTokens: string;
    /** Scoped runs only (issue #14): the scope used and ΣT_c, the tokens eligible under it at poolPosition. */
    scope?: ConsumerScope;
    eligibleTokens?: string;
    /** Σ weights of the allocations. */
    totalWeight: string;
    /** As in PayoutRunStarted: the data-request weights used (weights are then scaled by 10^6). */
    requestWeights?: RequestWeightUsed[];
    /** floor(amount × α) in minor units, as a decimal string. */
    poolAmount: string;
    /** amount − poolAmount: the α rounding and the consumer's share; retained by the consumer. */
    remainder: string;
    /** Part of poolAmount nobody could be paid (no weight in the pool); retained by the consumer. */
    unallocated: string;
    /** poolAmount − unallocated = Σ allocation amounts. */
    allocated: string;
    chunkCount: number;
    allocationCount: number;
    /** See allocationRootHash. */
    rootHash: string;
    roundingRuleVersion: string;
  };
}

export type PayoutRunEvent = PayoutRunStarted | PayoutRunAllocationsRecorded | PayoutRunCompleted;
