/**
 * A restatement or reversal of a revenue report: stream `revenue-<revenueId>`,
 * after its RevenueReported, appended at the revision read (so two
 * corrections of one report are ordered and each knows the amount it
 * replaces). The report itself is never edited.
 */
export interface RevenueCorrected {
  type: 'RevenueCorrected';
  data: {
    revenueId: string;
    consumerId: string;
    /** Derived from (revenueId, idempotencyKey): see correctionIdFor. */
    correctionId: string;
    currency: string;
    /** The amount in force before this correction (the report's, or the previous correction's). */
    previousAmount: string;
    /** The corrected amount ("0.00"… for a reversal). */
    amount: string;
    reversal: boolean;
    reason: string;
    idempotencyKey: string;
    /** sha256 of the canonical input (see correctionInputHash). */
    inputHash: string;
    correctedAt: string;
  };
}

export interface CorrectRevenue {
  type: 'CorrectRevenue';
  data: {
    revenueId: string;
    /** Either amount (a restatement) or reverse: true (a reversal). */
    amount?: unknown;
    reverse?: unknown;
    reason: unknown;
    idempotencyKey: string;
    /** Set when a consumer asks: it may correct only its own reports (others read as not found). */
    consumerId?: string;
  };
}
