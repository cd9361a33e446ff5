import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertId, boundedText } from '../identifiers/identifier';
import { formatMinor, parseAmount } from '../money';
import { idempotencyKeyOf } from '../revenue/revenue-identity';
import { RevenueReported } from '../revenue/revenue.events';
import { correctionIdFor, correctionInputHash } from './correction-identity';
import { CorrectRevenue, RevenueCorrected } from './revenue-correction.events';

export const MAX_CORRECTION_REASON_LENGTH = 500;

/** What the revenue stream knows that a correction needs. */
export type CorrectableRevenue =
  | { status: 'none' }
  | {
      status: 'reported';
      report: RevenueReported['data'];
      /** The amount in force: the report's, or the latest correction's. */
      amount: string;
      /** Corrections by idempotency key. */
      corrections: ReadonlyMap<string, RevenueCorrected['data']>;
    };

/**
 * Correct (restate or reverse) a revenue report. Order of checks:
 *  1. the key and the body's shape (400, nothing written);
 *  2. the report must exist, and a consumer may correct only its own
 *     (another consumer's report reads as not found);
 *  3. the amount in the report's currency;
 *  4. the key already used on this report: same input → nothing to do (the
 *     caller answers with the recorded correction), other input → 409;
 *  5. a correction must change the amount (409 otherwise).
 */
export function decideCorrection(command: CorrectRevenue, state: CorrectableRevenue, now: Date): RevenueCorrected[] {
  const d = command.data;
  const revenueId = assertId(d.revenueId, 'revenueId');
  const idempotencyKey = idempotencyKeyOf(d.idempotencyKey);
  const hasAmount = d.amount !== undefined && d.amount !== null;
  const hasReverse = d.reverse !== undefined && d.reverse !== null && d.reverse !== false;
  if (hasAmount === hasReverse) {
    throw new ValidationError('correction-amount-or-reverse', 'Send either amount (a restatement) or reverse: true (a reversal)', {
      field: hasAmount ? 'reverse' : 'amount',
      hint: 'E.g. {"amount":"1000.00","reason":"…"} or {"reverse":true,"reason":"…"}.',
    });
  }
  if (hasReverse && d.reverse !== true) {
    throw new ValidationError('correction-reverse-invalid', 'reverse must be the JSON value true', {
      field: 'reverse',
      hint: 'Send {"reverse":true,"reason":"…"} to reverse the report.',
    });
  }
  const reason = boundedText(d.reason, 'reason', MAX_CORRECTION_REASON_LENGTH).trim();
  if (state.status !== 'reported' || (d.consumerId !== undefined && d.consumerId !== state.report.consumerId)) {
    throw new NotFoundError('revenue-not-found', `No revenue report ${revenueId}`, {
      field: 'revenueId',
      hint: 'Correct a report you made (GET /v1/revenue lists them).',
    });
  }
  const currency = state.report.currency;
  const reversal = hasReverse;
  const amount = reversal ? formatMinor(0n, currency) : formatMinor(parseAmount(d.amount as string, currency), currency);
  const inputHash = correctionInputHash({ revenueId, amount, reversal, reason });
  const correctionId = correctionIdFor(revenueId, idempotencyKey);
  const earlier = state.corrections.get(idempotencyKey);
  if (earlier) {
    if (earlier.inputHash === inputHash) return [];
    throw new ConflictError('idempotency-key-reused', 'This Idempotency-Key was already used with a different correction', {
      field: 'idempotencyKey',
      hint: 'Use a new key for a new correction; resend the identical body to retry.',
      context: { revenueId, correctionId },
    });
  }
  if (amount === state.amount) {
    throw new IllegalStateError('correction-unchanged', `The report's amount is already ${amount} ${currency}`, {
      field: reversal ? 'reverse' : 'amount',
      hint: reversal ? 'The report is already reversed.' : 'Send the amount the report should have.',
    });
  }
  return [
    {
      type: 'RevenueCorrected',
      data: {
        revenueId,
        consumerId: state.report.consumerId,
        correctionId,
        currency,
        previousAmount: state.amount,
        amount,
        reversal,
        reason,
        idempotencyKey,
        inputHash,
        correctedAt: now.toISOString(),
      },
    },
  ];
}
