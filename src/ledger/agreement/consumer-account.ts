import type { RecordedEvent } from '@1tt/event-store';

export type PayoutPolicy = 'snapshot' | 'time-weighted';
export const PAYOUT_POLICIES: readonly PayoutPolicy[] = ['snapshot', 'time-weighted'];

export interface Agreement {
  consumerId: string;
  /** Canonical decimal string, 0 < α ≤ 1, at most 6 decimals. */
  alpha: string;
  currency: string;
  policy: PayoutPolicy;
  /** ISO-8601 UTC. */
  effectiveFrom: string;
  /** Revision of the consumer stream that recorded it. */
  revision: number;
}

export interface ConsumerAccount {
  consumerId: string;
  displayName: string;
  /** In log order. */
  agreements: Agreement[];
  revision: number;
}

/** Folds a consumer stream (`consumer-<id>`); undefined until ConsumerRegistered. */
export function foldConsumer(events: readonly RecordedEvent[]): ConsumerAccount | undefined {
  let state: ConsumerAccount | undefined;
  for (const e of events) {
    const d = e.data as Record<string, string>;
    if (e.type === 'ConsumerRegistered') {
      state = { consumerId: d.consumerId, displayName: d.displayName, agreements: [], revision: e.revision };
    } else if (state && e.type === 'RevenueShareAgreed') {
      state.agreements.push({ consumerId: state.consumerId, alpha: d.alpha, currency: d.currency, policy: d.policy as PayoutPolicy, effectiveFrom: d.effectiveFrom, revision: e.revision });
    }
    if (state) state.revision = e.revision;
  }
  return state;
}

/**
 * The agreement in effect at `time`: among those already effective, the one
 * recorded last (a correction recorded later wins over an earlier one with
 * the same or a later effective time).
 */
export function agreementAt(account: ConsumerAccount, time: string): Agreement | undefined {
  let found: Agreement | undefined;
  for (const a of account.agreements) if (a.effectiveFrom <= time) found = a;
  return found;
}
