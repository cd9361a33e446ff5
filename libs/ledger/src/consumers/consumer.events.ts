import type { ConsumerScope } from '../consent/consumer-scope';
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
    /** What the consumer pays for (issue #14); absent = no scope: the whole pool, as before scopes existed. */
    scope?: ConsumerScope;
  };
}

export type ConsumerEvent = ConsumerRegistered | RevenueShareAgreed;
