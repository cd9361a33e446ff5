import { PayoutPolicy } from '../agreements/agreement';

/** Stream `consumer-<consumerId>`. */
export interface ConsumerRegistered {
  type: 'ConsumerRegistered';
  data: { consumerId: string; displayName: string; registeredAt: string };
}

/** Also in the consumer's stream: the agreements form one ordered timeline. */
export interface RevenueShareAgreed {
  type: 'RevenueShareAgreed';
  data: { consumerId: string; alpha: string; currency: string; policy: PayoutPolicy; effectiveFrom: string; agreedAt: string };
}

export type ConsumerEvent = ConsumerRegistered | RevenueShareAgreed;
