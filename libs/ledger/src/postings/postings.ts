import { PayoutSettled } from '../contributors/contributor.events';
import { RevenueCorrected } from '../corrections/revenue-correction.events';
import { PayoutRunAdjusted, PayoutRunAdjustmentsRecorded } from '../corrections/run-adjustment.events';
import { parseNonNegativeAmount, parseSignedAmount } from '../money';
import { PayoutRunAllocationsRecorded, PayoutRunCompleted } from '../payout-runs/payout-run.events';
import { RevenueReported } from '../revenue/revenue.events';

/**
 * Double-entry postings derived from events (never stored separately: any
 * reader recomputes them from the log).
 *
 * Sign convention: amount > 0 credits the account (value moves to its
 * holder), amount < 0 debits it. Per event and per currency the postings sum
 * to zero.
 *
 *   RevenueReported               consumer:<c>:receivable  −amount   (the consumer owes the revenue share deal)
 *                                 pool:<revenueId>         +amount
 *   PayoutRunAllocationsRecorded  pool:<revenueId>         −Σ chunk
 *                                 contributor:<i>:payable  +amount_i
 *   PayoutRunCompleted            pool:<revenueId>         −(remainder + unallocated)
 *                                 consumer:<c>:retained    +(remainder + unallocated)
 *   PayoutSettled                 contributor:<i>:payable  −amount
 *                                 contributor:<i>:paid     +amount
 *   RevenueCorrected              consumer:<c>:receivable  −(amount − previousAmount)   (signed: a reduction credits it back)
 *                                 pool:<revenueId>         +(amount − previousAmount)
 *   PayoutRunAdjustmentsRecorded  pool:<revenueId>         −Σ chunk adjustments (signed)
 *                                 contributor:<i>:payable  +adjustment_i (signed)
 *   PayoutRunAdjusted             pool:<revenueId>         −retainedAdjustment (signed)
 *                                 consumer:<c>:retained    +retainedAdjustment
 *
 * A negative adjustment larger than the payable balance (the contributor was
 * already paid) leaves the payable account negative: that negative balance
 * is the receivable ("recoverable"), and the contributor's next allocations
 * credit it before anything becomes payable again. Settlements never take
 * the payable account below zero, so nothing ever settles a negative amount.
 *
 * After a completed run pool:<revenueId> is zero. A contributor's payable
 * balance is what is owed to them now; payable + paid is everything ever
 * allocated to them.
 */
export interface Posting {
  account: string;
  currency: string;
  /** Minor units, signed. */
  amount: bigint;
}

export const accounts = {
  consumerReceivable: (consumerId: string) => `consumer:${consumerId}:receivable`,
  consumerRetained: (consumerId: string) => `consumer:${consumerId}:retained`,
  pool: (revenueId: string) => `pool:${revenueId}`,
  contributorPayable: (contributorId: string) => `contributor:${contributorId}:payable`,
  contributorPaid: (contributorId: string) => `contributor:${contributorId}:paid`,
} as const;

export function postingsFor(event: { type: string; data: unknown }): Posting[] {
  switch (event.type) {
    case 'RevenueReported': {
      const d = event.data as RevenueReported['data'];
      const amount = parseNonNegativeAmount(d.amount, d.currency);
      return pair(accounts.consumerReceivable(d.consumerId), accounts.pool(d.revenueId), d.currency, amount);
    }
    case 'PayoutRunAllocationsRecorded': {
      const d = event.data as PayoutRunAllocationsRecorded['data'];
      const out: Posting[] = [];
      let total = 0n;
      for (const a of d.allocations) {
        const amount = parseNonNegativeAmount(a.amount, d.currency);
        if (amount === 0n) continue;
        total += amount;
        out.push({ account: accounts.contributorPayable(a.contributorId), currency: d.currency, amount });
      }
      if (total === 0n) return [];
      return [{ account: accounts.pool(d.revenueId), currency: d.currency, amount: -total }, ...out];
    }
    case 'PayoutRunCompleted': {
      const d = event.data as PayoutRunCompleted['data'];
      const retained = parseNonNegativeAmount(d.remainder, d.currency) + parseNonNegativeAmount(d.unallocated, d.currency);
      return pair(accounts.pool(d.revenueId), accounts.consumerRetained(d.consumerId), d.currency, retained);
    }
    case 'PayoutSettled': {
      const d = event.data as PayoutSettled['data'];
      return pair(
        accounts.contributorPayable(d.contributorId),
        accounts.contributorPaid(d.contributorId),
        d.currency,
        parseNonNegativeAmount(d.amount, d.currency),
      );
    }
    case 'RevenueCorrected': {
      const d = event.data as RevenueCorrected['data'];
      const delta = parseNonNegativeAmount(d.amount, d.currency) - parseNonNegativeAmount(d.previousAmount, d.currency, 'previousAmount');
      return pair(accounts.consumerReceivable(d.consumerId), accounts.pool(d.revenueId), d.currency, delta);
    }
    case 'PayoutRunAdjustmentsRecorded': {
      const d = event.data as PayoutRunAdjustmentsRecorded['data'];
      const out: Posting[] = [];
      let total = 0n;
      for (const a of d.adjustments) {
        const amount = parseSignedAmount(a.amount, d.currency);
        if (amount === 0n) continue;
        total += amount;
        out.push({ account: accounts.contributorPayable(a.contributorId), currency: d.currency, amount });
      }
      if (out.length === 0) return [];
      return [{ account: accounts.pool(d.revenueId), currency: d.currency, amount: -total }, ...out];
    }
    case 'PayoutRunAdjusted': {
      const d = event.data as PayoutRunAdjusted['data'];
      return pair(
        accounts.pool(d.revenueId),
        accounts.consumerRetained(d.consumerId),
        d.currency,
        parseSignedAmount(d.retainedAdjustment, d.currency),
      );
    }
    default:
      return [];
  }
}

/** Moves `amount` from `from` to `to` (nothing when zero; a negative amount moves the other way). */
function pair(from: string, to: string, currency: string, amount: bigint): Posting[] {
  if (amount === 0n) return [];
  return [
    { account: from, currency, amount: -amount },
    { account: to, currency, amount },
  ];
}
