/**
 * Clawback without negative payouts. A contributor's payable account
 * (allocations + adjustments − settlements, `postingsFor`) goes below zero
 * when a correction takes back more than is still unpaid: they were already
 * paid. That negative part is a receivable of the platform, "recoverable";
 * it is not paid back by anyone, it is netted: the contributor's next
 * allocations credit the same account and pay it off before anything is
 * payable again. Settlements never exceed the payable part, so nothing ever
 * settles a negative amount.
 */
export interface PayablePosition {
  /** What may be settled now: max(0, balance). */
  payable: bigint;
  /** What later allocations will recover first: max(0, −balance). */
  recoverable: bigint;
}

/** Splits a contributor's signed payable balance (minor units) into its payable and recoverable parts. */
export function payablePosition(balance: bigint): PayablePosition {
  return balance >= 0n ? { payable: balance, recoverable: 0n } : { payable: 0n, recoverable: -balance };
}
