import type { RecordedEvent } from '@1tt/event-store';
import { formatMinor, poolAmountOf, parseAlpha } from '@1tt/ledger';
import { LedgerReplay, ratioOf } from './ledger-replay';

export type MoneyByCurrency = Record<string, string>;

export interface PoolEntry {
  contributorId: string;
  tokens: string;
  ratio: string;
}

export interface ContributorMetrics {
  contributorId: string;
  contributionRatio: string;
  tokens: string;
  /** Total allocated to date, per currency. */
  currentRevenue: MoneyByCurrency;
  /** Ratio × α × each consumer's latest revenue report, summed per currency (floored to minor units). */
  expectedPayout: MoneyByCurrency;
  paidOut: MoneyByCurrency;
  /** currentRevenue − paidOut. */
  balance: MoneyByCurrency;
}

export interface PayoutRunSummary {
  revenueId: string;
  consumerId: string;
  position: number;
  poolPosition: number;
  totalTokens: string;
  currency: string;
  poolAmount: string;
  remainder: string;
  rootHash: string;
  allocations: number;
}

export interface AccountBalance {
  account: string;
  currency: string;
  /** Debit-positive. */
  balance: string;
}

/** What was true at one point of the log: the figures the API serves for the same asOf/atPosition. */
export interface LedgerSnapshot {
  position: number;
  recordedAt?: string;
  pool: { position: number; totalTokens: string; contributors: PoolEntry[] };
  contributors: ContributorMetrics[];
  payoutRuns: PayoutRunSummary[];
  balances: AccountBalance[];
  /** Σ postings per currency: always "0" (double entry). */
  postingTotals: MoneyByCurrency;
}

export interface ReplayOptions {
  /** Last position to include (inclusive). */
  atPosition?: number;
  /** Include events recorded at or before this time. */
  asOf?: Date | string;
}

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function money(m: Map<string, bigint> | undefined): MoneyByCurrency {
  const out: MoneyByCurrency = {};
  for (const [c, v] of [...(m ?? new Map<string, bigint>()).entries()].sort(([a], [b]) => byId(a, b))) out[c] = formatMinor(v, c);
  return out;
}

/**
 * Replays a log up to a position or a time and returns the snapshot. Stops
 * reading at the first event past the point, so replaying early history of
 * a large export is quick. Works on any AsyncIterable of RecordedEvents:
 * an export file (eventsOf(openLogFile(…).lines)) or a live store's readAll.
 */
export async function replayLog(events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>, options: ReplayOptions = {}): Promise<LedgerSnapshot> {
  if (options.atPosition !== undefined && options.asOf !== undefined) throw new RangeError('give either atPosition or asOf, not both');
  const asOf = options.asOf === undefined ? undefined : new Date(options.asOf).toISOString();
  const replay = new LedgerReplay();
  for await (const e of events) {
    if (options.atPosition !== undefined && e.position > options.atPosition) break;
    if (asOf !== undefined && e.metadata.recordedAt > asOf) break;
    replay.apply(e);
  }
  return snapshotOf(replay);
}

export function snapshotOf(replay: LedgerReplay): LedgerSnapshot {
  const total = replay.totalTokens;
  const poolEntries = [...replay.pool.entries()].sort(([a], [b]) => byId(a, b));

  const latestRevenue = new Map<string, { amount: bigint; alpha: string; currency: string }>();
  for (const r of replay.revenue.values()) latestRevenue.set(r.consumerId, r);
  const allocated = new Map<string, Map<string, bigint>>();
  for (const run of replay.runsInOrder) {
    for (const a of run.allocations) {
      const m = allocated.get(a.contributorId) ?? new Map<string, bigint>();
      m.set(run.currency, (m.get(run.currency) ?? 0n) + a.amount);
      allocated.set(a.contributorId, m);
    }
  }
  const ids = new Set<string>([...replay.contributors, ...replay.pool.keys(), ...allocated.keys(), ...replay.settled.keys()]);
  const contributors: ContributorMetrics[] = [...ids].sort(byId).map((id) => {
    const tokens = replay.pool.get(id) ?? 0n;
    const expected = new Map<string, bigint>();
    if (total > 0n) {
      for (const r of latestRevenue.values()) {
        const pool = poolAmountOf(r.amount, parseAlpha(r.alpha));
        expected.set(r.currency, (expected.get(r.currency) ?? 0n) + (pool * tokens) / total);
      }
    }
    const paid = replay.settled.get(id);
    const balance = new Map<string, bigint>();
    for (const [c, v] of allocated.get(id) ?? []) balance.set(c, v);
    for (const [c, v] of paid ?? []) balance.set(c, (balance.get(c) ?? 0n) - v);
    return {
      contributorId: id,
      contributionRatio: ratioOf(tokens, total),
      tokens: tokens.toString(),
      currentRevenue: money(allocated.get(id)),
      expectedPayout: money(expected),
      paidOut: money(paid),
      balance: money(balance),
    };
  });

  const balances: AccountBalance[] = [];
  const totals = new Map<string, bigint>();
  for (const [account, m] of [...replay.accounts.entries()].sort(([a], [b]) => byId(a, b))) {
    for (const [currency, v] of [...m.entries()].sort(([a], [b]) => byId(a, b))) {
      balances.push({ account, currency, balance: formatMinor(v, currency) });
      totals.set(currency, (totals.get(currency) ?? 0n) + v);
    }
  }

  return {
    position: replay.position,
    ...(replay.recordedAt ? { recordedAt: replay.recordedAt } : {}),
    pool: {
      position: replay.position,
      totalTokens: total.toString(),
      contributors: poolEntries.map(([contributorId, t]) => ({ contributorId, tokens: t.toString(), ratio: ratioOf(t, total) })),
    },
    contributors,
    payoutRuns: replay.runsInOrder.map((r) => ({
      revenueId: r.revenueId,
      consumerId: r.consumerId,
      position: r.position,
      poolPosition: r.poolPosition,
      totalTokens: r.totalTokens.toString(),
      currency: r.currency,
      poolAmount: formatMinor(r.poolAmount, r.currency),
      remainder: formatMinor(r.remainder, r.currency),
      rootHash: r.rootHash,
      allocations: r.allocations.length,
    })),
    balances,
    postingTotals: money(totals),
  };
}
