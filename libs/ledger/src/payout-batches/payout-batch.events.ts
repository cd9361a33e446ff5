/**
 * Stream `batches-<currency>`: every payout batch of one currency, so a
 * batch reserves amounts at the stream's revision and two batches can never
 * reserve the same money (the second re-reads and sees the first).
 */

export interface PayoutBatchLine {
  /** "1", "2", … in contributor-id order. */
  lineId: string;
  contributorId: string;
  /** Decimal string in the batch currency: the contributor's whole unreserved payable balance when the batch was made. */
  amount: string;
  /** The end-to-end id the payment file carries and the bank statement returns (≤ 35 characters). */
  endToEndId: string;
}

/** An admin's batch: every contributor with payout details whose unreserved payable balance is ≥ minAmount. Reserves each line. */
export interface PayoutBatchCreated {
  type: 'PayoutBatchCreated';
  data: {
    batchId: string;
    currency: string;
    minAmount: string;
    lines: PayoutBatchLine[];
    lineCount: number;
    total: string;
    createdAt: string;
  };
}

/** What the bank statement said about a line. */
export type BankStatus = 'executed' | 'failed' | 'missing';
/**
 * What the reconciliation did with it: settled (PayoutSettled recorded on
 * the contributor's stream before this event), released (failed or missing:
 * the amount is payable again and may go into a later batch) or held
 * (amount or currency differs, or the payable balance no longer covers it:
 * stays reserved until a later statement settles or releases it).
 */
export type LineOutcome = 'settled' | 'released' | 'held';
export type LineReason = 'matched' | 'failed' | 'missing' | 'amount-mismatch' | 'currency-mismatch' | 'payable-reduced';

export interface ReconciledLine {
  lineId: string;
  contributorId: string;
  amount: string;
  bankStatus: BankStatus;
  /** The amount and currency the statement shows (absent when missing). */
  bankAmount?: string;
  bankCurrency?: string;
  bankReference?: string;
  outcome: LineOutcome;
  reason: LineReason;
}

export interface PayoutBatchReconciled {
  type: 'PayoutBatchReconciled';
  data: {
    batchId: string;
    currency: string;
    /** SHA-256 of the statement file as uploaded, and its format. */
    statementSha256: string;
    statementFormat: 'csv' | 'camt.053';
    lines: ReconciledLine[];
    reconciledAt: string;
  };
}

export type PayoutBatchEvent = PayoutBatchCreated | PayoutBatchReconciled;
