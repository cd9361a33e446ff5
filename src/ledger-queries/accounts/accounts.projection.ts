import type { RecordedEvent } from '@1tt/event-store';
import { postingsFor, type Posting } from '@1tt/ledger';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { addMinor, type MinorByCurrency } from '../money-by-currency';
import { adjustmentsOf, allocationsOf, dataOf, idOf, money, str } from '../ledger-event-data';

export const CONTRIBUTOR_ACCOUNTS = 'ledger_contributor_accounts';
export const CONTRIBUTOR_PAYOUTS = 'ledger_contributor_payouts';
export const LEDGER_BALANCES = 'ledger_balances';

export interface ContributorAccountDoc extends Record<string, unknown> {
  contributorId: string;
  /** Σ allocations of payout runs to date, net of correction adjustments (minor units per currency): the "current monetary revenue". */
  allocated: MinorByCurrency;
  /** Σ settlements (money actually paid out). */
  paidOut: MinorByCurrency;
  /** Σ of `openBatchLines`: payable money in payout batches the bank has not yet answered for (not payable again until released). */
  reserved?: MinorByCurrency;
  /** The contributor's open payout-batch lines by "<batchId>/<lineId>": reserved from PayoutBatchCreated until settled (PayoutSettled of the line) or released (PayoutBatchReconciled). */
  openBatchLines?: Record<string, { currency: string; amountMinor: string }>;
}

export interface ContributorPayoutDoc extends Record<string, unknown> {
  contributorId: string;
  kind: 'allocation' | 'settlement' | 'adjustment';
  position: number;
  recordedAt: string;
  currency: string;
  amountMinor: string;
  revenueId: string | null;
  consumerId: string | null;
  tokens: string | null;
  reference: string | null;
  /** Adjustments: the correction that caused it. */
  correctionId?: string | null;
}

export interface LedgerBalanceDoc extends Record<string, unknown> {
  account: string;
  /** Signed minor units per currency; Σ over all accounts is 0 per currency (double entry). */
  balance: MinorByCurrency;
}

/** Position-ordered ids within a contributor (zero-padded so the id order is the log order). */
export const payoutEntryId = (contributorId: string, position: number): string =>
  `${contributorId}\u0000${String(position).padStart(16, '0')}`;

/**
 * Money: each contributor's allocated and paid-out totals, the list of
 * payouts (allocations and settlements) per contributor, and the
 * double-entry balances per account, posted with the ledger's own
 * postingsFor (one definition of the accounts for the write side, this read
 * model and the audit).
 */
export const accountsProjection: Projection = {
  name: 'ledger-accounts',
  version: 4,
  collections: [CONTRIBUTOR_ACCOUNTS, { name: CONTRIBUTOR_PAYOUTS, indexes: ['contributorId', 'position'] }, LEDGER_BALANCES],
  handles: [
    'RevenueReported',
    'PayoutRunAllocationsRecorded',
    'PayoutRunCompleted',
    'PayoutSettled',
    'RevenueCorrected',
    'PayoutRunAdjustmentsRecorded',
    'PayoutRunAdjusted',
    'PayoutBatchCreated',
    'PayoutBatchReconciled',
  ],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    let postings: Posting[];
    try {
      postings = postingsFor(event);
    } catch {
      // A body the ledger cannot read posts nothing; /v1/audit/verify reports it.
      postings = [];
    }
    for (const p of postings) {
      const current = await tx.get<LedgerBalanceDoc>(LEDGER_BALANCES, p.account);
      tx.put(LEDGER_BALANCES, p.account, {
        account: p.account,
        balance: addMinor(current?.balance, p.currency, p.amount),
      } satisfies LedgerBalanceDoc);
    }
    const d = dataOf(event);
    const currency = str(d, 'currency');
    if (!currency) return;
    if (event.type === 'PayoutBatchCreated' || event.type === 'PayoutBatchReconciled') {
      await applyBatchLines(tx, event.type, d, currency);
      return;
    }
    if (event.type === 'PayoutRunAllocationsRecorded') {
      const revenueId = idOf(event, 'revenueId', 'payout-run') ?? null;
      for (const a of allocationsOf(d, currency)) {
        const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, a.contributorId)) ?? {
          contributorId: a.contributorId,
          allocated: {},
          paidOut: {},
        };
        tx.put(CONTRIBUTOR_ACCOUNTS, a.contributorId, {
          ...account,
          allocated: addMinor(account.allocated, currency, a.amount),
        } satisfies ContributorAccountDoc);
        tx.put(CONTRIBUTOR_PAYOUTS, payoutEntryId(a.contributorId, event.position), {
          contributorId: a.contributorId,
          kind: 'allocation',
          position: event.position,
          recordedAt: event.metadata.recordedAt,
          currency,
          amountMinor: a.amount.toString(),
          revenueId,
          consumerId: str(d, 'consumerId') ?? null,
          tokens: a.tokens.toString(),
          reference: null,
        } satisfies ContributorPayoutDoc);
      }
      return;
    }
    if (event.type === 'PayoutRunAdjustmentsRecorded') {
      const revenueId = str(d, 'revenueId') ?? null;
      for (const a of adjustmentsOf(d, currency)) {
        const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, a.contributorId)) ?? {
          contributorId: a.contributorId,
          allocated: {},
          paidOut: {},
        };
        tx.put(CONTRIBUTOR_ACCOUNTS, a.contributorId, {
          ...account,
          allocated: addMinor(account.allocated, currency, a.amount),
        } satisfies ContributorAccountDoc);
        tx.put(CONTRIBUTOR_PAYOUTS, payoutEntryId(a.contributorId, event.position), {
          contributorId: a.contributorId,
          kind: 'adjustment',
          position: event.position,
          recordedAt: event.metadata.recordedAt,
          currency,
          amountMinor: a.amount.toString(),
          revenueId,
          consumerId: str(d, 'consumerId') ?? null,
          tokens: null,
          reference: null,
          correctionId: str(d, 'correctionId') ?? null,
        } satisfies ContributorPayoutDoc);
      }
      return;
    }
    if (event.type === 'PayoutSettled') {
      const contributorId = str(d, 'contributorId');
      const amount = money(d, 'amount', currency);
      if (!contributorId || amount === undefined) return;
      const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, contributorId)) ?? {
        contributorId,
        allocated: {},
        paidOut: {},
      };
      const batchId = str(d, 'batchId');
      const lineId = str(d, 'lineId');
      tx.put(CONTRIBUTOR_ACCOUNTS, contributorId, {
        ...(batchId && lineId ? closeBatchLine(account, `${batchId}/${lineId}`) : account),
        paidOut: addMinor(account.paidOut, currency, amount),
      } satisfies ContributorAccountDoc);
      tx.put(CONTRIBUTOR_PAYOUTS, payoutEntryId(contributorId, event.position), {
        contributorId,
        kind: 'settlement',
        position: event.position,
        recordedAt: event.metadata.recordedAt,
        currency,
        amountMinor: amount.toString(),
        revenueId: null,
        consumerId: null,
        tokens: null,
        reference: str(d, 'reference') ?? null,
      } satisfies ContributorPayoutDoc);
    }
  },
};

const emptyAccount = (contributorId: string): ContributorAccountDoc => ({ contributorId, allocated: {}, paidOut: {} });

/** The account without one open batch line (no change when the line is not open: each line closes once). */
function closeBatchLine(account: ContributorAccountDoc, key: string): ContributorAccountDoc {
  const line = account.openBatchLines?.[key];
  if (!line) return account;
  const openBatchLines = { ...account.openBatchLines };
  delete openBatchLines[key];
  return { ...account, openBatchLines, reserved: addMinor(account.reserved, line.currency, -BigInt(line.amountMinor)) };
}

/**
 * Reservations: a batch line reserves its amount on the contributor's
 * account; the line's PayoutSettled (recorded before the batch's
 * reconciliation) or a `released` outcome frees it; `held` keeps it.
 */
async function applyBatchLines(
  tx: ProjectionTransaction,
  type: 'PayoutBatchCreated' | 'PayoutBatchReconciled',
  d: Record<string, unknown>,
  currency: string,
): Promise<void> {
  const batchId = str(d, 'batchId');
  if (!batchId || !Array.isArray(d.lines)) return;
  for (const raw of d.lines as Array<Record<string, unknown>>) {
    const contributorId = raw && str(raw, 'contributorId');
    const lineId = raw && str(raw, 'lineId');
    if (!contributorId || !lineId) continue;
    const key = `${batchId}/${lineId}`;
    const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, contributorId)) ?? emptyAccount(contributorId);
    if (type === 'PayoutBatchCreated') {
      const amount = money(raw, 'amount', currency);
      if (amount === undefined || account.openBatchLines?.[key]) continue;
      tx.put(CONTRIBUTOR_ACCOUNTS, contributorId, {
        ...account,
        reserved: addMinor(account.reserved, currency, amount),
        openBatchLines: { ...account.openBatchLines, [key]: { currency, amountMinor: amount.toString() } },
      } satisfies ContributorAccountDoc);
    } else if (raw.outcome === 'released' || raw.outcome === 'settled') {
      // settled: already closed by its PayoutSettled; closing again is a no-op.
      tx.put(CONTRIBUTOR_ACCOUNTS, contributorId, closeBatchLine(account, key));
    }
  }
}
