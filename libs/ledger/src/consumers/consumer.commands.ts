export interface RegisterConsumer {
  type: 'RegisterConsumer';
  data: { consumerId: string; displayName: string };
}

export interface AgreeRevenueShare {
  type: 'AgreeRevenueShare';
  /** effectiveFrom defaults to the decision time. */
  data: {
    consumerId: string;
    alpha: string;
    currency: string;
    policy: string;
    effectiveFrom?: string;
    revenueVisibility?: string;
    scope?: unknown;
  };
}

export type ConsumerCommand = RegisterConsumer | AgreeRevenueShare;
