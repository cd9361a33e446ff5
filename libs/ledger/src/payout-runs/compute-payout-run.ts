import { IllegalStateError } from '@1tt/domain-errors';
import { allocateExact, ROUNDING_RULE_VERSION } from '../allocation';
import { currencyExponent, formatDigits, formatMinor, parseAlpha, parseAmount, poolAmountOf } from '../money';
import { PoolState } from '../pool/pool-state';
import { RevenueReported } from '../revenue/revenue.events';
import { allocationRootHash } from './allocation-root-hash';
import { codeUnitOrder } from './code-unit-order';
import {
  PayoutRunAllocationsRecorded,
  PayoutRunCompleted,
  PayoutRunEvent,
  PayoutRunStarted,
  RecordedAllocation,
} from './payout-run.events';

/**
 * At most this many allocations per PayoutRunAllocationsRecorded event.
 * Bound on one allocation's canonical JSON: 56 bytes of keys and quotes +
 * contributorId ≤ 64 + amount ≤ 31 (MAX_AMOUNT_DIGITS + '.') + tokens ≤ 24
 * digits + weight ≤ 40 digits (tokens < 10^24 × a period < 10^16 ms)
 * = 215 bytes (+1 comma), so a chunk is ≤ 2,000 × 216 B ≈ 422 KiB: well
 * under the 1 MiB event limit even in the worst case (typically ~150 KiB).
 */
export const ALLOCATIONS_PER_CHUNK = 2000;

export interface PayoutRunInput {
  /** The RevenueReported event's data. */
  report: RevenueReported['data'];
  /** The RevenueReported event's log position. */
  reportPosition: number;
  /** A pool fold that has applied at least every event up to reportPosition. */
  pool: PoolState;
}

export interface PayoutRunResult {
  events: PayoutRunEvent[];
  completed: PayoutRunCompleted['data'];
}

/**
 * The payout run of one revenue report, as a pure function of the report,
 * its position and the pool fold: the same log always gives the same events.
 *
 *  poolAmount = floor(amount × α) (minor units); remainder = amount − poolAmount.
 *  Weights: `snapshot` → each contributor's tokens in the pool at the report's
 *  position; `time-weighted` → Σ tokens × ms in the pool within
 *  [periodStart, periodEnd), as known at that position (PoolState.tokenTimeAt).
 *  A report with a scope (issue #14) weighs only the tokens eligible under it
 *  (PoolState.eligibleAt: licence, consent and exclusions in force at the
 *  report's position × the scope's uses, licences, languages and classes) and
 *  records the scope and ΣT_c (eligibleTokens); without one the whole pool,
 *  exactly as before scopes existed.
 *  Data requests (issue #15), snapshot runs: when a contribution in the pool
 *  was credited to a request of this consumer whose weightUntil is after the
 *  report's periodStart, its credited tokens count w times: every weight is
 *  then tokens × 10^6 + credited × (w − 1) × 10^6 (PoolState.requestWeightedAt),
 *  allocation `tokens` stay the tokens, and the run records each request's
 *  weight and credited tokens (requestWeights). No such credit: exactly the
 *  run without data requests. Time-weighted runs are not weighted (a gap).
 *  Contributors with zero weight are not listed.
 *  Nothing to weigh (empty pool, or no dataset overlapping the period): there
 *  is no fallback to another policy; the run completes with no allocations and
 *  `unallocated = poolAmount`, which stays with the consumer (postings credit
 *  consumer:<id>:retained). Paying people for a period their data was not in
 *  the pool would break the time-weighted promise.
 */
export function computePayoutRun(input: PayoutRunInput): PayoutRunResult {
  const { report, reportPosition, pool } = input;
  if (pool.lastPosition < reportPosition) {
    throw new IllegalStateError('pool-behind-report', `The pool fold is at ${pool.lastPosition}, before the report at ${reportPosition}`);
  }
  const currency = report.currency;
  const amount = parseAmount(report.amount, currency);
  const poolAmount = poolAmountOf(amount, parseAlpha(report.alpha));
  const remainder = amount - poolAmount;

  const scope = report.scope;
  // A scoped run needs the whole pool's ΣT only as a figure: counted in the same pass, no second map.
  const scoped = scope ? pool.eligibleAt(reportPosition, scope) : undefined;
  const eligible = scoped ?? pool.at(reportPosition);
  const totalTokens = scoped ? scoped.poolTokens : eligible.totalTokens;
  // Data requests (issue #15): credited tokens of this consumer's requests count w times (snapshot runs).
  const weighted =
    report.policy === 'snapshot'
      ? pool.requestWeightedAt(reportPosition, report.consumerId, Date.parse(report.periodStart), scope)
      : undefined;
  const weights = weighted
    ? weighted.contributors
    : report.policy === 'snapshot'
      ? eligible.contributors
      : pool.tokenTimeAt(reportPosition, Date.parse(report.periodStart), Date.parse(report.periodEnd), scope);

  // contributorId order (UTF-16 code units): the canonical order of the run.
  const unsortedIds: string[] = [];
  const unsortedWeights: bigint[] = [];
  for (const [contributorId, weight] of weights) {
    if (weight > 0n) {
      unsortedIds.push(contributorId);
      unsortedWeights.push(weight);
    }
  }
  const order = codeUnitOrder(unsortedIds);
  const n = order.length;
  const ids: string[] = new Array(n);
  const sortedWeights: bigint[] = new Array(n);
  let totalWeight = 0n;
  for (let i = 0; i < n; i++) {
    ids[i] = unsortedIds[order[i]];
    sortedWeights[i] = unsortedWeights[order[i]];
    totalWeight += sortedWeights[i];
  }
  // Ids are ascending and unique (map keys), so the tie-break by id is the tie-break by index.
  const result = allocateExact(poolAmount, sortedWeights, totalWeight, (a, b) => a < b);

  const exponent = currencyExponent(currency);
  const records: RecordedAllocation[] = new Array(n);
  const snapshotPolicy = report.policy === 'snapshot';
  const amounts = result.amounts;
  for (let i = 0; i < n; i++) {
    const contributorId = ids[i];
    const weight = sortedWeights[i].toString();
    records[i] = {
      contributorId,
      tokens: snapshotPolicy && !weighted ? weight : (eligible.contributors.get(contributorId) ?? 0n).toString(),
      weight,
      amount: formatDigits(String(amounts[i]), exponent),
    };
  }

  const base = { revenueId: report.revenueId, consumerId: report.consumerId };
  const started: PayoutRunStarted = {
    type: 'PayoutRunStarted',
    data: {
      ...base,
      poolPosition: reportPosition,
      policy: report.policy,
      currency,
      amount: report.amount,
      alpha: report.alpha,
      periodStart: report.periodStart,
      periodEnd: report.periodEnd,
      roundingRuleVersion: ROUNDING_RULE_VERSION,
      ...(scope ? { scope } : {}),
      ...(weighted ? { requestWeights: weighted.requests } : {}),
    },
  };
  const chunks: PayoutRunAllocationsRecorded[] = [];
  for (let i = 0; i < records.length; i += ALLOCATIONS_PER_CHUNK) {
    chunks.push({
      type: 'PayoutRunAllocationsRecorded',
      data: { ...base, currency, chunkIndex: chunks.length, allocations: records.slice(i, i + ALLOCATIONS_PER_CHUNK) },
    });
  }
  const completed: PayoutRunCompleted['data'] = {
    ...base,
    poolPosition: reportPosition,
    policy: report.policy,
    currency,
    amount: report.amount,
    alpha: report.alpha,
    totalTokens: totalTokens.toString(),
    ...(scope ? { scope, eligibleTokens: eligible.totalTokens.toString() } : {}),
    totalWeight: totalWeight.toString(),
    ...(weighted ? { requestWeights: weighted.requests } : {}),
    poolAmount: formatMinor(poolAmount, currency),
    remainder: formatMinor(remainder, currency),
    unallocated: formatMinor(result.unallocated, currency),
    allocated: formatMinor(result.allocated, currency),
    chunkCount: chunks.length,
    allocationCount: records.length,
    rootHash: allocationRootHash(records),
    roundingRuleVersion: ROUNDING_RULE_VERSION,
  };
  return { events: [started, ...chunks, { type: 'PayoutRunCompleted', data: completed }], completed };
}
