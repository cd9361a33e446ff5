import type { RecordedEvent } from '@1tt/event-store';
import { formatMinor, parseAlpha, parseNonNegativeAmount, payablePosition, poolAmountOf } from '@1tt/ledger';
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
  /** currentRevenue − paidOut (negative when a correction took back more than was unpaid). */
  balance: MoneyByCurrency;
  /** max(0, balance): what may be settled now. */
  payable: MoneyByCurrency;
  /** max(0, −balance): recovered from the next allocations (clawback). */
  recoverable: MoneyByCurrency;
}

export interface PayoutRunSummary {
  revenueId: string;
  consumerId: string;
  position: number;
  poolPosition: number;
  policy: string;
  totalTokens: string;
  currency: string;
  amount: string;
  poolAmount: string;
  remainder: string;
  unallocated: string;
  allocated: string;
  rootHash: string;
  allocations: number;
}

export interface AccountBalance {
  account: string;
  currency: string;
  /** The ledger's sign convention (postingsFor): credit-positive, so a payable balance owed to a contributor is positive. */
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
export async function replayLog(
  events: AsyncIterable<RecordedEvent> | Iterable<RecordedEvent>,
  options: ReplayOptions = {},
): Promise<LedgerSnapshot> {
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
  const pool = replay.pool.at(replay.position);
  const total = pool.totalTokens;
  const poolEntries = [...pool.contributors.entries()].sort(([a], [b]) => byId(a, b));

  // From the ledger's double-entry balances: allocated to date = payable + paid; paid out = paid.
  const allocated = new Map<string, Map<string, bigint>>();
  const paid = new Map<string, Map<string, bigint>>();
  const add = (m: Map<string, Map<string, bigint>>, id: string, currency: string, v: bigint): void => {
    const row = m.get(id) ?? new Map<string, bigint>();
    row.set(currency, (row.get(currency) ?? 0n) + v);
    m.set(id, row);
  };
  const balances: AccountBalance[] = [];
  for (const b of replay.balances.all()) {
    balances.push({ account: b.account, currency: b.currency, balance: formatMinor(b.amount, b.currency) });
    const m = /^contributor:(.*):(payable|paid)$/.exec(b.account);
    if (!m) continue;
    add(allocated, m[1], b.currency, b.amount);
    if (m[2] === 'paid') add(paid, m[1], b.currency, b.amount);
  }
  const totals = new Map<string, bigint>();
  for (const [c, v] of replay.balances.totals()) totals.set(c, v);

  // Expected payout uses each latest report's amount in force (after corrections).
  const latest = [...replay.latestRevenue.values()].map((id) => {
    const r = replay.revenue.get(id)!;
    return { ...r.report, amount: r.amount };
  });
  const ids = new Set<string>([...replay.contributors, ...pool.contributors.keys(), ...allocated.keys()]);
  const contributors: ContributorMetrics[] = [...ids].sort(byId).map((id) => {
    const tokens = pool.contributors.get(id) ?? 0n;
    const expected = new Map<string, bigint>();
    for (const r of latest) {
      let share = 0n;
      if (total > 0n) share = (poolAmountOf(parseNonNegativeAmount(r.amount, r.currency), parseAlpha(r.alpha)) * tokens) / total;
      expected.set(r.currency, (expected.get(r.currency) ?? 0n) + share);
    }
    const balance = new Map<string, bigint>();
    for (const [c, v] of allocated.get(id) ?? []) balance.set(c, v);
    for (const [c, v] of paid.get(id) ?? []) balance.set(c, (balance.get(c) ?? 0n) - v);
    return {
      contributorId: id,
      contributionRatio: ratioOf(tokens, total),
      tokens: tokens.toString(),
      currentRevenue: money(allocated.get(id)),
      expectedPayout: money(expected),
      paidOut: money(paid.get(id)),
      balance: money(balance),
      payable: money(new Map([...balance].map(([c, v]) => [c, payablePosition(v).payable]))),
      recoverable: money(new Map([...balance].map(([c, v]) => [c, payablePosition(v).recoverable]))),
    };
  });

  return {
    position: replay.position,
    ...(replay.recordedAt ? { recordedAt: replay.recordedAt } : {}),
    pool: {
      position: replay.position,
      totalTokens: total.toString(),
      contributors: poolEntries.map(([contributorId, t]) => ({ contributorId, tokens: t.toString(), ratio: ratioOf(t, total) })),
    },
    contributors,
    payoutRuns: replay.runsInOrder.map(({ revenueId, consumerId, position, completed: c }) => ({
      revenueId,
      consumerId,
      position,
      poolPosition: c.poolPosition,
      policy: c.policy,
      totalTokens: c.totalTokens,
      currency: c.currency,
      amount: c.amount,
      poolAmount: c.poolAmount,
      remainder: c.remainder,
      unallocated: c.unallocated,
      allocated: c.allocated,
      rootHash: c.rootHash,
      allocations: c.allocationCount,
    })),
    balances,
    postingTotals: money(totals),
  };
}
