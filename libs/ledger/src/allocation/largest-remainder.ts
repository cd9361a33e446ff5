import { ValidationError } from '@1tt/domain-errors';

/**
 * Identifies the rounding rule recorded in every payout run. Change it (and
 * keep the old code path) if the rule ever changes, so old runs can still be
 * recomputed exactly.
 *
 * largest-remainder/v1:
 *   exact share_i = pool × w_i / Σw (a rational number);
 *   amount_i = floor(share_i); the leftover L = pool − Σ amount_i (0 ≤ L < n)
 *   goes one minor unit each to the L largest remainders
 *   (pool × w_i mod Σw), ties broken by contributorId ascending in plain
 *   UTF-16 code-unit order. Σw = 0 allocates nothing.
 */
export const ROUNDING_RULE_VERSION = 'largest-remainder/v1';

export interface Share {
  contributorId: string;
  /** Non-negative integer weight (tokens, or token-milliseconds). */
  weight: bigint;
}

export interface Allocation {
  contributorId: string;
  weight: bigint;
  /** Minor units. */
  amount: bigint;
}

export interface AllocationResult {
  /** One per share, in the order the shares were given. */
  allocations: Allocation[];
  totalWeight: bigint;
  /** Σ amounts: equals the pool unless totalWeight is 0. */
  allocated: bigint;
  /** pool − allocated: the whole pool when totalWeight is 0, else 0. */
  unallocated: bigint;
}

/**
 * Largest-remainder (Hamilton) allocation of `pool` minor units over
 * `shares`, exact in bigint arithmetic. Each contributor's amount depends
 * only on the multiset of shares, never on their order. Linear time apart
 * from a selection of the top remainders (expected O(n)).
 */
export function allocate(pool: bigint, shares: readonly Share[]): AllocationResult {
  if (typeof pool !== 'bigint' || pool < 0n) {
    throw new ValidationError('pool-negative', 'The pool amount must be a non-negative integer of minor units', { field: 'pool' });
  }
  const n = shares.length;
  let total = 0n;
  // Strictly ascending ids (what computePayoutRun passes) are unique without a set of a million strings.
  let ascending = true;
  for (let i = 0; i < n; i++) {
    const s = shares[i];
    if (typeof s.weight !== 'bigint' || s.weight < 0n) {
      throw new ValidationError('weight-negative', `Weight of ${s.contributorId} must be a non-negative integer`, { field: 'weight' });
    }
    if (ascending && i > 0 && !(shares[i - 1].contributorId < s.contributorId)) ascending = false;
    total += s.weight;
  }
  if (!ascending) {
    const seen = new Set<string>();
    for (const s of shares) {
      if (seen.has(s.contributorId)) {
        throw new ValidationError('contributor-duplicate', `Contributor ${s.contributorId} appears twice`, {
          field: 'contributorId',
          hint: 'Sum the weights per contributor before allocating.',
        });
      }
      seen.add(s.contributorId);
    }
  }

  const core = allocateExact(
    pool,
    shares.map((s) => s.weight),
    total,
    (a, b) => shares[a].contributorId < shares[b].contributorId,
  );
  const allocations: Allocation[] = new Array(n);
  for (let i = 0; i < n; i++)
    allocations[i] = { contributorId: shares[i].contributorId, weight: shares[i].weight, amount: BigInt(core.amounts[i]) };
  return { allocations, totalWeight: total, allocated: core.allocated, unallocated: core.unallocated };
}

/** What allocateExact returns: amounts in input order, as numbers when they provably fit, else bigints. */
export interface ExactAllocation {
  /** Minor units per weight; `String(amounts[i])` is the exact decimal either way. */
  amounts: Float64Array | bigint[];
  allocated: bigint;
  unallocated: bigint;
}

/** Largest integer below which double arithmetic on integers is exact. */
const EXACT_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * The largest-remainder/v1 rule on bare arrays (no objects per contributor),
 * for callers that already validated the weights and know `total` = Σ weights.
 * `idBefore(a, b)` is the tie-break: contributor a's id sorts before b's.
 *
 * When pool × max(w) + Σw ≤ 2^53 − 1 every product, quotient and remainder is
 * an exact double (see the fix-up below), so the run avoids a bigint
 * allocation per contributor; otherwise it falls back to bigint. Both paths
 * compute the same integers, so which one ran never shows in the result.
 */
export function allocateExact(
  pool: bigint,
  weights: readonly bigint[],
  total: bigint,
  idBefore: (a: number, b: number) => boolean,
): ExactAllocation {
  const n = weights.length;
  if (total === 0n || pool === 0n) {
    return { amounts: new Float64Array(n), allocated: 0n, unallocated: total === 0n ? pool : 0n };
  }
  let maxWeight = 0n;
  for (let i = 0; i < n; i++) if (weights[i] > maxWeight) maxWeight = weights[i];

  const candidates: number[] = [];
  let floored = 0n;
  let before: (a: number, b: number) => boolean;
  let amounts: Float64Array | bigint[];
  if (pool * maxWeight + total <= EXACT_LIMIT) {
    const p = Number(pool);
    const t = Number(total);
    const small = new Float64Array(n);
    const remainders = new Float64Array(n);
    let flooredSmall = 0; // ≤ pool < 2^53: exact
    for (let i = 0; i < n; i++) {
      const product = p * Number(weights[i]); // < 2^53: exact
      let q = Math.floor(product / t);
      // The rounded quotient can land on the next integer; q × t ≤ product + t < 2^53 keeps this check exact.
      let r = product - q * t;
      if (r < 0) {
        q -= 1;
        r += t;
      } else if (r >= t) {
        q += 1;
        r -= t;
      }
      small[i] = q;
      remainders[i] = r;
      if (r !== 0) candidates.push(i);
      flooredSmall += q;
    }
    floored = BigInt(flooredSmall);
    amounts = small;
    before = (a, b) => {
      const ra = remainders[a];
      const rb = remainders[b];
      if (ra !== rb) return ra > rb;
      return idBefore(a, b);
    };
  } else {
    const big: bigint[] = new Array(n);
    const remainders: bigint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const product = pool * weights[i];
      const q = product / total;
      const r = product - q * total;
      remainders[i] = r;
      if (r !== 0n) candidates.push(i);
      floored += q;
      big[i] = q;
    }
    amounts = big;
    before = (a, b) => {
      const ra = remainders[a];
      const rb = remainders[b];
      if (ra !== rb) return ra > rb;
      return idBefore(a, b);
    };
  }

  // Σ remainders = leftover × Σw and each remainder < Σw, so there are always
  // more than `leftover` non-zero remainders: a zero weight never gets a unit.
  const leftover = Number(pool - floored);
  if (leftover > 0) {
    selectFirst(candidates, leftover, before);
    if (amounts instanceof Float64Array) for (let k = 0; k < leftover; k++) amounts[candidates[k]] += 1;
    else for (let k = 0; k < leftover; k++) amounts[candidates[k]] += 1n;
  }
  return { amounts, allocated: pool, unallocated: 0n };
}

/**
 * Rearranges `items` so that its first k elements are the k first under the
 * strict total order `before` (in some order). Iterative quickselect; the
 * pivot choice only affects speed, never which elements are selected,
 * because `before` is a total order.
 */
function selectFirst(items: number[], k: number, before: (a: number, b: number) => boolean): void {
  let lo = 0;
  let hi = items.length - 1;
  while (lo < hi) {
    const mid = lo + ((hi - lo) >> 1);
    // Median of three, moved to hi.
    if (before(items[mid], items[lo])) swap(items, mid, lo);
    if (before(items[hi], items[lo])) swap(items, hi, lo);
    if (before(items[mid], items[hi])) swap(items, mid, hi);
    const pivot = items[hi];
    let store = lo;
    for (let i = lo; i < hi; i++) {
      if (before(items[i], pivot)) {
        swap(items, i, store);
        store++;
      }
    }
    swap(items, store, hi);
    // items[lo..store-1] come before the pivot, items[store+1..hi] after it.
    if (store === k - 1 || store === k) return;
    if (store < k) lo = store + 1;
    else hi = store - 1;
  }
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
