import { ValidationError } from '@1tt/domain-errors';

export type PayoutPolicy = 'snapshot' | 'time-weighted';
export const PAYOUT_POLICIES: readonly PayoutPolicy[] = ['snapshot', 'time-weighted'];

/** A consumer's revenue-share agreement as recorded by RevenueShareAgreed. */
export interface Agreement {
  /** Canonical decimal string, 0 < α ≤ 1, at most 6 decimals. */
  alpha: string;
  currency: string;
  policy: PayoutPolicy;
  /** ISO time from which the agreement applies to new revenue reports. */
  effectiveFrom: string;
}

export function payoutPolicyOf(value: unknown, field = 'policy'): PayoutPolicy {
  if (value !== 'snapshot' && value !== 'time-weighted') {
    throw new ValidationError('policy-unknown', `${field} must be "snapshot" or "time-weighted"`, {
      field,
      hint: '"snapshot" pays by tokens in the pool when revenue is reported; "time-weighted" by tokens × time in the pool during the period.',
    });
  }
  return value;
}

/**
 * The agreement in force at `at`: among agreements in log order, the last one
 * whose effectiveFrom ≤ at. Agreements are recorded with non-decreasing
 * effectiveFrom (the decider enforces it), so "last in log order" and
 * "latest effectiveFrom" agree, and a later agreement with the same
 * effectiveFrom supersedes an earlier one.
 */
export function agreementInForce(agreements: readonly Agreement[], at: Date): Agreement | undefined {
  const t = at.getTime();
  for (let i = agreements.length - 1; i >= 0; i--) {
    if (Date.parse(agreements[i].effectiveFrom) <= t) return agreements[i];
  }
  return undefined;
}
