import { PayoutPolicy, RevenueVisibility } from '../agreements/agreement';

/** Stream `consumer-<consumerId>`. */
export interface ConsumerRegistered {
  type: 'ConsumerRegistered';
  data: { consumerId: string; displayName: string; registeredAt: string };
}

/** Also in the consumer's stream: the agreements form one ordered timeline. */
export interface RevenueShareAgreed {
  type: 'RevenueShareAgreed';
  data: {
    consumerId: string;
    alpha: string;
    currency: string;
    policy: PayoutPolicy;
    effectiveFrom: string;
    agreedAt: string;
    /** Absent on agreements recorded before the setting existed: read as "pool". */
    revenueVisibility?: RevenueVisibility;
  };
}

export type ConsumerEvent = ConsumerRegistered | RevenueShareAgreed;
