import { ValidationError } from '@1tt/domain-errors';
import type { ConsumerScope } from '../consent/consumer-scope';

export type PayoutPolicy = 'snapshot' | 'time-weighted';
export const PAYOUT_POLICIES: readonly PayoutPolicy[] = ['snapshot', 'time-weighted'];

/**
 * What contributors see of a consumer's revenue. `pool` (the default): only
 * the pool amount they share in, floor(R × α) per report, which is all a
 * contributor needs to check their payout (their tokens ÷ ΣT × pool); the
 * gross revenue R and α stay between the consumer, admins and auditors.
 * `gross`: contributors also see R and α. The log always holds R and α, so
 * `1tt audit verify` recomputes every run whatever the setting.
 */
export type RevenueVisibility = 'pool' | 'gross';
export const REVENUE_VISIBILITIES: readonly RevenueVisibility[] = ['pool', 'gross'];
export const DEFAULT_REVENUE_VISIBILITY: RevenueVisibility = 'pool';

/** A requested visibility: omitted → the privacy-preserving default; anything else but pool/gross is refused. */
export function revenueVisibilityOf(value: unknown, field = 'revenueVisibility'): RevenueVisibility {
  if (value === undefined) return DEFAULT_REVENUE_VISIBILITY;
  if (value !== 'pool' && value !== 'gross') {
    throw new ValidationError('revenue-visibility-unknown', `${field} must be "pool" or "gross"`, {
      field,
      hint: '"pool" (default): contributors see only the pool amount floor(R × α) they share in; "gross": they also see the revenue R and α.',
    });
  }
  return value;
}

/** The visibility a recorded agreement carries (agreements recorded before the setting existed: the default). */
export function recordedRevenueVisibility(value: unknown): RevenueVisibility {
  return value === 'gross' ? 'gross' : DEFAULT_REVENUE_VISIBILITY;
}

/** A consumer's revenue-share agreement as recorded by RevenueShareAgreed. */
export interface Agreement {
  /** Canonical decimal string, 0 < α ≤ 1, at most 6 decimals. */
  alpha: string;
  currency: string;
  policy: PayoutPolicy;
  /** ISO time from which the agreement applies to new revenue reports. */
  effectiveFrom: string;
  /** What contributors see of this consumer's revenue while the agreement is in force. */
  revenueVisibility: RevenueVisibility;
  /** What the consumer pays for (issue #14); absent: no scope, the whole pool. */
  scope?: ConsumerScope;
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
