import { Injectable } from '@nestjs/common';
import type { Principal } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import {
  agreementInForce,
  consumerDecider,
  DEFAULT_REVENUE_VISIBILITY,
  fold,
  streamNames,
  type ConsumerEvent,
  type RevenueVisibility,
} from '@1tt/ledger';
import { readStreamSnapshot } from '@1tt/command-path';

/** Per request: whether the caller may see a consumer's gross revenue R and α (memoised per consumer). */
export type SeesGrossRevenue = (consumerId: string) => Promise<boolean>;

/**
 * What a caller sees of a consumer's revenue. Consumers (their own),
 * auditors and admins: everything. Contributors: the pool amount
 * floor(R × α) of each report always (what their payout is a share of);
 * R and α only when the consumer's agreement in force now says
 * `revenueVisibility: gross`. The setting in force now governs every read,
 * also point-in-time reads of earlier reports (it is a disclosure choice,
 * not money terms). Applied by metrics, payout runs and statements; revenue
 * reports are not readable by contributors at all; SSE messages and
 * contributor webhooks carry no revenue amounts.
 */
@Injectable()
export class RevenueVisibilityPolicy {
  constructor(private readonly events: EventStore) {}

  /** The visibility a consumer's agreement in force at `now` sets (no agreement in force: the default, pool). */
  async visibility(consumerId: string, now = new Date()): Promise<RevenueVisibility> {
    const snapshot = await readStreamSnapshot(this.events, streamNames.consumer(consumerId));
    const state = fold(consumerDecider, snapshot.events as unknown as ConsumerEvent[]);
    if (state.status !== 'registered') return DEFAULT_REVENUE_VISIBILITY;
    return agreementInForce(state.agreements, now)?.revenueVisibility ?? DEFAULT_REVENUE_VISIBILITY;
  }

  forPrincipal(principal: Principal): SeesGrossRevenue {
    if (principal.role !== 'contributor') return () => Promise.resolve(true);
    const memo = new Map<string, Promise<boolean>>();
    return (consumerId) => {
      let p = memo.get(consumerId);
      if (!p) memo.set(consumerId, (p = this.visibility(consumerId).then((v) => v === 'gross')));
      return p;
    };
  }
}
