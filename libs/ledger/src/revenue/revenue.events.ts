import type { ConsumerScope } from '../consent/consumer-scope';
import { PayoutPolicy } from '../agreements/agreement';
import type { CorrectRevenue, RevenueCorrected } from '../corrections/revenue-correction.events';

/**
 * Stream `revenue-<revenueId>`, created with expected revision `no-stream`.
 * alpha, policy and agreementEffectiveFrom are copied from the agreement in
 * force when the report was decided: later agreements never change it.
 */
export interface RevenueReported {
  type: 'RevenueReported';
  data: {
    revenueId: string;
    consumerId: string;
    /** Decimal string with exactly the currency's decimals. */
    amount: string;
    currency: string;
    periodStart: string;
    periodEnd: string;
    alpha: string;
    policy: PayoutPolicy;
    agreementEffectiveFrom: string;
    /** The agreement's scope, copied like α (issue #14); absent when the agreement has none: the run pays the whole pool. */
    scope?: ConsumerScope;
    idempotencyKey: string;
    /** sha256 of the canonical input (see revenueInputHash). */
    inputHash: string;
    reportedAt: string;
  };
}

export type RevenueEvent = RevenueReported | RevenueCorrected;

export interface ReportRevenue {
  type: 'ReportRevenue';
  data: { consumerId: string; amount: string; currency: string; periodStart: string; periodEnd: string; idempotencyKey: string };
}

export type RevenueCommand = ReportRevenue | CorrectRevenue;
