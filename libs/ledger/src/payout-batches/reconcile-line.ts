import { parseAmount } from '../money';
import type { BankStatus, LineOutcome, LineReason } from './payout-batch.events';

/** One executed, failed or rejected payment as a bank statement lists it. */
export interface StatementEntry {
  endToEndId: string;
  status: 'executed' | 'failed';
  amount: string;
  currency: string;
  reference?: string;
}

/**
 * The reconciliation rule, shared by the service and `1tt audit verify`:
 *  - no entry for the line: missing → released (payable again);
 *  - the bank says failed (rejected, returned): released;
 *  - executed in another currency or for another amount: held (stays
 *    reserved; someone must look at it);
 *  - executed for exactly the line's amount: settled.
 * `payable-reduced` (a settlement refused because a correction clawed the
 * balance back meanwhile) is decided by the settlement itself, not here.
 */
export function reconcileLine(
  line: { amount: string; currency: string },
  entry: StatementEntry | undefined,
): { bankStatus: BankStatus; outcome: LineOutcome; reason: LineReason } {
  if (!entry) return { bankStatus: 'missing', outcome: 'released', reason: 'missing' };
  if (entry.status === 'failed') return { bankStatus: 'failed', outcome: 'released', reason: 'failed' };
  if (entry.currency !== line.currency) return { bankStatus: 'executed', outcome: 'held', reason: 'currency-mismatch' };
  let same = false;
  try {
    same = parseAmount(entry.amount, line.currency) === parseAmount(line.amount, line.currency);
  } catch {
    same = false;
  }
  return same
    ? { bankStatus: 'executed', outcome: 'settled', reason: 'matched' }
    : { bankStatus: 'executed', outcome: 'held', reason: 'amount-mismatch' };
}

/** The end-to-end id of a batch line: the batch id without dashes (24 characters) and the line number, ≤ 35 characters. */
export function endToEndIdOf(batchId: string, lineId: string): string {
  return `${batchId.replace(/[^A-Za-z0-9]/g, '').slice(0, 24)}-${lineId}`;
}
