import { ConflictError, IllegalStateError, NotFoundError, ValidationError } from '@1tt/domain-errors';
import { assertNever, Clock, Decider } from '../decider/decider';
import { assertId } from '../identifiers/identifier';
import { currencyExponent, formatMinor, parseAmount } from '../money';
import type { LineReason, PayoutBatchEvent, PayoutBatchLine, ReconciledLine } from './payout-batch.events';
import { endToEndIdOf, reconcileLine, type StatementEntry } from './reconcile-line';

export type LineStatus = 'reserved' | 'settled' | 'released' | 'held';

export interface BatchLineState extends PayoutBatchLine {
  status: LineStatus;
  reason?: LineReason;
  bankReference?: string;
}

export interface BatchState {
  batchId: string;
  currency: string;
  minAmount: string;
  total: string;
  createdAt: string;
  lines: BatchLineState[];
  reconciliations: number;
}

/** Every batch of one currency (stream `batches-<currency>`), in creation order. */
export interface PayoutBatchesState {
  batches: ReadonlyMap<string, BatchState>;
}

/** A line counts against the payable balance while the bank has not answered for it (reserved) or its answer is disputed (held). */
export const isOpen = (l: { status: LineStatus }): boolean => l.status === 'reserved' || l.status === 'held';

/** Minor units of a contributor's balance reserved by open batch lines of this stream. */
export function reservedFor(state: PayoutBatchesState, contributorId: string): bigint {
  let sum = 0n;
  for (const b of state.batches.values())
    for (const l of b.lines) if (l.contributorId === contributorId && isOpen(l)) sum += parseAmount(l.amount, b.currency);
  return sum;
}

export interface CreatePayoutBatch {
  type: 'CreatePayoutBatch';
  data: { batchId: string; currency: string; minAmount: string };
}

export interface ReconcilePayoutBatch {
  type: 'ReconcilePayoutBatch';
  data: {
    batchId: string;
    statementSha256: string;
    statementFormat: 'csv' | 'camt.053';
    /** By end-to-end id (unique). */
    entries: ReadonlyMap<string, StatementEntry>;
  };
}

export type PayoutBatchCommand = CreatePayoutBatch | ReconcilePayoutBatch;

export interface PayoutBatchContext extends Clock {
  /**
   * CreatePayoutBatch: each contributor who has payout details, with their
   * payable balance in the batch currency (minor units) as of one position.
   */
  payable?: ReadonlyArray<{ contributorId: string; payable: bigint }>;
  /** ReconcilePayoutBatch: lines whose PayoutSettled is recorded on the contributor stream. */
  settledLines?: ReadonlySet<string>;
  /** ReconcilePayoutBatch: lines whose settlement the contributor stream refused (the balance no longer covers them). */
  refusedLines?: ReadonlySet<string>;
}

/**
 * The lines a batch gets: every contributor (in id order) whose payable
 * balance minus what open lines already reserve is at least minAmount (and
 * positive), for that whole unreserved amount. The audit recomputes it.
 */
export function batchLinesFor(
  batchId: string,
  currency: string,
  minMinor: bigint,
  payable: ReadonlyArray<{ contributorId: string; payable: bigint }>,
  reserved: (contributorId: string) => bigint,
): PayoutBatchLine[] {
  const lines: PayoutBatchLine[] = [];
  for (const p of [...payable].sort((a, b) => (a.contributorId < b.contributorId ? -1 : a.contributorId > b.contributorId ? 1 : 0))) {
    const available = p.payable - reserved(p.contributorId);
    if (available <= 0n || available < minMinor) continue;
    const lineId = String(lines.length + 1);
    lines.push({
      lineId,
      contributorId: p.contributorId,
      amount: formatMinor(available, currency),
      endToEndId: endToEndIdOf(batchId, lineId),
    });
  }
  return lines;
}

export const payoutBatchDecider: Decider<PayoutBatchCommand, PayoutBatchEvent, PayoutBatchesState, PayoutBatchContext> = {
  initialState: { batches: new Map() },
  evolve(state, event) {
    switch (event.type) {
      case 'PayoutBatchCreated': {
        const d = event.data;
        if (state.batches.has(d.batchId)) return state;
        const batches = new Map(state.batches);
        batches.set(d.batchId, {
          batchId: d.batchId,
          currency: d.currency,
          minAmount: d.minAmount,
          total: d.total,
          createdAt: d.createdAt,
          lines: d.lines.map((l) => ({ ...l, status: 'reserved' })),
          reconciliations: 0,
        });
        return { batches };
      }
      case 'PayoutBatchReconciled': {
        const d = event.data;
        const batch = state.batches.get(d.batchId);
        if (!batch) return state;
        const byLine = new Map(d.lines.map((l) => [l.lineId, l]));
        const batches = new Map(state.batches);
        batches.set(d.batchId, {
          ...batch,
          reconciliations: batch.reconciliations + 1,
          lines: batch.lines.map((l) => {
            const r = byLine.get(l.lineId);
            return r && isOpen(l) ? { ...l, status: r.outcome, reason: r.reason, bankReference: r.bankReference } : l;
          }),
        });
        return { batches };
      }
      default:
        return assertNever(event, 'payout batch event');
    }
  },
  decide(command, state, context) {
    switch (command.type) {
      case 'CreatePayoutBatch': {
        const batchId = assertId(command.data.batchId, 'batchId');
        const currency = command.data.currency;
        currencyExponent(currency);
        const minMinor = parseAmount(command.data.minAmount, currency, 'minAmount');
        if (state.batches.has(batchId)) throw new ConflictError('payout-batch-exists', `Payout batch ${batchId} already exists`);
        if (!context.payable) throw new IllegalStateError('payable-balances-missing', 'The payable balances were not provided');
        const lines = batchLinesFor(batchId, currency, minMinor, context.payable, (c) => reservedFor(state, c));
        if (lines.length === 0) {
          throw new ConflictError(
            'payout-batch-empty',
            `No contributor with payout details has at least ${command.data.minAmount} ${currency} unreserved and payable`,
            {
              field: 'minAmount',
              hint: 'Lower minAmount, or wait for payout runs; amounts already in an open batch are not batched twice.',
            },
          );
        }
        const total = lines.reduce((s, l) => s + parseAmount(l.amount, currency), 0n);
        return [
          {
            type: 'PayoutBatchCreated',
            data: {
              batchId,
              currency,
              minAmount: formatMinor(minMinor, currency),
              lines,
              lineCount: lines.length,
              total: formatMinor(total, currency),
              createdAt: context.now.toISOString(),
            },
          },
        ];
      }
      case 'ReconcilePayoutBatch': {
        const batch = state.batches.get(command.data.batchId);
        if (!batch) throw new NotFoundError('payout-batch-not-found', `Payout batch ${command.data.batchId} does not exist`);
        const open = batch.lines.filter(isOpen);
        if (open.length === 0) {
          throw new ConflictError('payout-batch-reconciled', `Every line of payout batch ${batch.batchId} is already settled or released`, {
            hint: 'Nothing is left to reconcile; a new statement belongs to another batch.',
          });
        }
        const known = new Set(batch.lines.map((l) => l.endToEndId));
        const unknown = [...command.data.entries.keys()].filter((id) => !known.has(id));
        if (unknown.length === command.data.entries.size && unknown.length > 0) {
          throw new ValidationError('statement-not-for-batch', `No entry of the statement belongs to payout batch ${batch.batchId}`, {
            field: 'statement',
            hint: 'Upload the statement of the transfers made from this batch (entries carry its end-to-end ids).',
            context: { unknownEndToEndIds: unknown.slice(0, 10) },
          });
        }
        const lines: ReconciledLine[] = open.map((l) => {
          const entry = command.data.entries.get(l.endToEndId);
          const rule = reconcileLine({ amount: l.amount, currency: batch.currency }, entry);
          let { outcome, reason } = rule;
          if (outcome === 'settled' && context.refusedLines?.has(l.lineId)) {
            outcome = 'held';
            reason = 'payable-reduced';
          } else if (outcome === 'settled' && !context.settledLines?.has(l.lineId)) {
            throw new IllegalStateError('batch-settlement-missing', `Line ${l.lineId} matched but its settlement is not recorded; retry`);
          }
          return {
            lineId: l.lineId,
            contributorId: l.contributorId,
            amount: l.amount,
            bankStatus: rule.bankStatus,
            ...(entry ? { bankAmount: entry.amount, bankCurrency: entry.currency } : {}),
            ...(entry?.reference ? { bankReference: entry.reference } : {}),
            outcome,
            reason,
          };
        });
        return [
          {
            type: 'PayoutBatchReconciled',
            data: {
              batchId: batch.batchId,
              currency: batch.currency,
              statementSha256: command.data.statementSha256,
              statementFormat: command.data.statementFormat,
              lines,
              reconciledAt: context.now.toISOString(),
            },
          },
        ];
      }
      default:
        return assertNever(command, 'payout batch command');
    }
  },
};
