import type { RecordedEvent } from '@1tt/event-store';
import { parseAlpha, parseNonNegativeAmount, poolAmountOf } from '@1tt/ledger';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { addMinor, type MinorByCurrency } from './money-by-currency';
import { allocationsOf, dataOf, idOf, int, str } from './ledger-event-data';

export const CONTRIBUTOR_ACCOUNTS = 'ledger_contributor_accounts';
export const CONTRIBUTOR_PAYOUTS = 'ledger_contributor_payouts';
export const LEDGER_BALANCES = 'ledger_balances';

export interface ContributorAccountDoc extends Record<string, unknown> {
  contributorId: string;
  /** Σ allocations of payout runs to date (minor units per currency): the "current monetary revenue". */
  allocated: MinorByCurrency;
  /** Σ settlements (money actually paid out). */
  paidOut: MinorByCurrency;
}

export interface ContributorPayoutDoc extends Record<string, unknown> {
  contributorId: string;
  kind: 'allocation' | 'settlement';
  position: number;
  recordedAt: string;
  currency: string;
  amountMinor: string;
  revenueId: string | null;
  consumerId: string | null;
  tokens: string | null;
  totalTokens: string | null;
  reference: string | null;
}

export interface LedgerBalanceDoc extends Record<string, unknown> {
  account: string;
  /** Debit-positive minor units per currency; Σ over all accounts is 0 per currency (double entry). */
  balance: MinorByCurrency;
}

/** Position-ordered ids within a contributor (zero-padded so the id order is the log order). */
export const payoutEntryId = (contributorId: string, position: number, revenueId = ''): string =>
  `${contributorId}\u0000${String(position).padStart(16, '0')}\u0000${revenueId}`;

/**
 * Money: each contributor's allocated and paid-out totals, the list of
 * payouts (allocations and settlements) per contributor, and the
 * double-entry balances — with the same postings as the audit replay:
 * report: consumer receivable Dr / contributor pool Cr (R × α);
 * run: contributor pool Dr / contributor payable Cr (each allocation);
 * settlement: contributor payable Dr / paid out Cr.
 */
export const accountsProjection: Projection = {
  name: 'ledger-accounts',
  version: 1,
  collections: [CONTRIBUTOR_ACCOUNTS, { name: CONTRIBUTOR_PAYOUTS, indexes: ['contributorId', 'position'] }, LEDGER_BALANCES],
  handles: ['RevenueReported', 'PayoutRunChunkRecorded', 'PayoutRunCompleted', 'PayoutSettled'],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    const d = dataOf(event);
    if (event.type === 'RevenueReported') {
      const consumerId = str(d, 'consumerId');
      const currency = str(d, 'currency');
      const amount = str(d, 'amount');
      const alpha = str(d, 'alpha');
      if (!consumerId || !currency || !amount || !alpha) return;
      let pool: bigint;
      try {
        pool = poolAmountOf(parseNonNegativeAmount(amount, currency), parseAlpha(alpha));
      } catch {
        return;
      }
      await post(tx, `consumer:${consumerId}:receivable`, currency, pool);
      await post(tx, 'contributor-pool', currency, -pool);
      return;
    }
    if (event.type === 'PayoutRunCompleted' || event.type === 'PayoutRunChunkRecorded') {
      const revenueId = idOf(event, 'revenueId', 'payout-run');
      const currency = str(d, 'currency');
      if (!revenueId || !currency) return;
      // Postings follow the log as the audit replay does, even for a second run of one revenue (which the audit reports).
      // Chunks carry allocations without ΣT (it comes with the completing event): the query takes it from the run.
      const totalTokens = event.type === 'PayoutRunCompleted' ? (int(d, 'totalTokens') ?? 0n).toString() : null;
      for (const a of allocationsOf(d)) {
        const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, a.contributorId)) ?? { contributorId: a.contributorId, allocated: {}, paidOut: {} };
        tx.put(CONTRIBUTOR_ACCOUNTS, a.contributorId, { ...account, allocated: addMinor(account.allocated, currency, a.amount) } satisfies ContributorAccountDoc);
        tx.put(CONTRIBUTOR_PAYOUTS, payoutEntryId(a.contributorId, event.position, revenueId), {
          contributorId: a.contributorId,
          kind: 'allocation',
          position: event.position,
          recordedAt: event.metadata.recordedAt,
          currency,
          amountMinor: a.amount.toString(),
          revenueId,
          consumerId: str(d, 'consumerId') ?? null,
          tokens: a.tokens.toString(),
          totalTokens,
          reference: null,
        } satisfies ContributorPayoutDoc);
        if (a.amount === 0n) continue;
        await post(tx, 'contributor-pool', currency, a.amount);
        await post(tx, `contributor:${a.contributorId}:payable`, currency, -a.amount);
      }
      return;
    }
    if (event.type === 'PayoutSettled') {
      const contributorId = str(d, 'contributorId');
      const currency = str(d, 'currency');
      const amount = int(d, 'amount');
      if (!contributorId || !currency || amount === undefined) return;
      const account = (await tx.get<ContributorAccountDoc>(CONTRIBUTOR_ACCOUNTS, contributorId)) ?? { contributorId, allocated: {}, paidOut: {} };
      tx.put(CONTRIBUTOR_ACCOUNTS, contributorId, { ...account, paidOut: addMinor(account.paidOut, currency, amount) } satisfies ContributorAccountDoc);
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
        totalTokens: null,
        reference: str(d, 'reference') ?? null,
      } satisfies ContributorPayoutDoc);
      await post(tx, `contributor:${contributorId}:payable`, currency, amount);
      await post(tx, 'paid-out', currency, -amount);
    }
  },
};

async function post(tx: ProjectionTransaction, account: string, currency: string, amount: bigint): Promise<void> {
  const current = await tx.get<LedgerBalanceDoc>(LEDGER_BALANCES, account);
  tx.put(LEDGER_BALANCES, account, { account, balance: addMinor(current?.balance, currency, amount) } satisfies LedgerBalanceDoc);
}
