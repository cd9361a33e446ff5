import Decimal from 'decimal.js';
import type { RecordedEvent } from '@1tt/event-store';
import { allocate, formatMinor, poolAmountOf, parseAlpha, parseNonNegativeAmount, ROUNDING_RULE_VERSION } from '@1tt/ledger';
import { allocationRootHash } from './allocation-root';
import { readFact, type LedgerFact } from './ledger-facts';

/** Ratios are shown with this many decimals (rounded down), as the API does. */
export const RATIO_DECIMALS = 12;

export function ratioOf(part: bigint, whole: bigint): string {
  if (whole === 0n) return '0';
  return new Decimal(part.toString()).div(whole.toString()).toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_DOWN).toFixed();
}

interface DatasetState {
  datasetId: string;
  contributorId: string;
  tokens?: bigint;
  status: 'uploaded' | 'accepted' | 'rejected' | 'withdrawn';
}

interface Agreement {
  alpha: string;
  alphaMicros: bigint;
  currency: string;
  policy: string;
  effectiveFrom: string;
  position: number;
}

export interface RevenueState {
  revenueId: string;
  consumerId: string;
  amount: bigint;
  currency: string;
  alpha: string;
  position: number;
  recordedAt: string;
  periodStart?: string;
  periodEnd?: string;
  /** Tokens per contributor in the pool at the report's position (what its run must use). */
  pool: Map<string, bigint>;
  paid: boolean;
}

export interface RecordedAllocation {
  contributorId: string;
  tokens: bigint;
  amount: bigint;
}

export interface PayoutRunState {
  revenueId: string;
  consumerId: string;
  position: number;
  recordedAt: string;
  poolPosition: number;
  totalTokens: bigint;
  currency: string;
  poolAmount: bigint;
  remainder: bigint;
  rootHash: string;
  roundingRule: string;
  allocations: RecordedAllocation[];
}

/** The computation a payout run must match, from the events alone. */
export interface ExpectedPayoutRun {
  poolPosition: number;
  totalTokens: bigint;
  poolAmount: bigint;
  remainder: bigint;
  rootHash: string;
  allocations: RecordedAllocation[];
}

/**
 * Folds the ledger events of a log, in position order, into the state every
 * audit question needs: the pool, agreements, revenue, payout runs (as
 * recorded), settlements and double-entry balances. Pure: no I/O, no clock.
 * The verifier, `replay` and `statement` all read through it, so they
 * cannot disagree about what a log means.
 */
export class LedgerReplay {
  readonly datasets = new Map<string, DatasetState>();
  /** Tokens in the pool per contributor (accepted, counted, not withdrawn). */
  readonly pool = new Map<string, bigint>();
  totalTokens = 0n;
  readonly contributors = new Set<string>();
  readonly consumers = new Set<string>();
  private readonly agreements = new Map<string, Agreement[]>();
  readonly revenue = new Map<string, RevenueState>();
  readonly runs = new Map<string, PayoutRunState>();
  readonly runsInOrder: PayoutRunState[] = [];
  /** Account → currency → signed minor units (debits positive). */
  readonly accounts = new Map<string, Map<string, bigint>>();
  readonly settled = new Map<string, Map<string, bigint>>();
  position = 0;
  recordedAt?: string;

  apply(event: RecordedEvent): LedgerFact | undefined {
    const fact = readFact(event);
    this.position = event.position;
    this.recordedAt = event.metadata.recordedAt;
    if (!fact) return undefined;
    switch (fact.kind) {
      case 'contributor-registered':
        this.contributors.add(fact.contributorId);
        break;
      case 'consumer-registered':
        this.consumers.add(fact.consumerId);
        break;
      case 'agreement': {
        const list = this.agreements.get(fact.consumerId) ?? [];
        list.push({ alpha: fact.alpha, alphaMicros: parseAlpha(fact.alpha), currency: fact.currency, policy: fact.policy, effectiveFrom: fact.effectiveFrom, position: event.position });
        this.agreements.set(fact.consumerId, list);
        break;
      }
      case 'dataset-uploaded':
        this.datasets.set(fact.datasetId, { datasetId: fact.datasetId, contributorId: fact.contributorId, status: 'uploaded' });
        break;
      case 'dataset-tokens-counted': {
        const d = this.datasets.get(fact.datasetId);
        if (!d) break;
        if (d.status === 'accepted') this.changePool(d.contributorId, -(d.tokens ?? 0n));
        d.tokens = fact.tokens;
        if (d.status === 'accepted') this.changePool(d.contributorId, d.tokens);
        break;
      }
      case 'dataset-accepted': {
        const d = this.datasets.get(fact.datasetId);
        if (!d || d.status === 'accepted') break;
        d.status = 'accepted';
        this.changePool(d.contributorId, d.tokens ?? 0n);
        break;
      }
      case 'dataset-rejected':
      case 'dataset-withdrawn': {
        const d = this.datasets.get(fact.datasetId);
        if (!d) break;
        if (d.status === 'accepted') this.changePool(d.contributorId, -(d.tokens ?? 0n));
        d.status = fact.kind === 'dataset-rejected' ? 'rejected' : 'withdrawn';
        break;
      }
      case 'revenue-reported': {
        const amount = parseNonNegativeAmount(fact.amount, fact.currency);
        const alphaMicros = parseAlpha(fact.alpha);
        this.revenue.set(fact.revenueId, {
          revenueId: fact.revenueId,
          consumerId: fact.consumerId,
          amount,
          currency: fact.currency,
          alpha: fact.alpha,
          position: event.position,
          recordedAt: event.metadata.recordedAt,
          periodStart: fact.periodStart,
          periodEnd: fact.periodEnd,
          pool: new Map(this.pool),
          paid: false,
        });
        const pool = poolAmountOf(amount, alphaMicros);
        this.post(`consumer:${fact.consumerId}:receivable`, fact.currency, pool);
        this.post('contributor-pool', fact.currency, -pool);
        break;
      }
      case 'payout-run-completed': {
        const r = this.revenue.get(fact.revenueId);
        const run: PayoutRunState = {
          revenueId: fact.revenueId,
          consumerId: r?.consumerId ?? fact.consumerId ?? '',
          position: event.position,
          recordedAt: event.metadata.recordedAt,
          poolPosition: fact.poolPosition,
          totalTokens: fact.totalTokens,
          currency: fact.currency,
          poolAmount: fact.poolAmount,
          remainder: fact.remainder,
          rootHash: fact.rootHash,
          roundingRule: fact.roundingRule,
          allocations: fact.allocations,
        };
        this.runs.set(fact.revenueId, run);
        this.runsInOrder.push(run);
        if (r) r.paid = true;
        for (const a of fact.allocations) {
          if (a.amount === 0n) continue;
          this.post('contributor-pool', fact.currency, a.amount);
          this.post(`contributor:${a.contributorId}:payable`, fact.currency, -a.amount);
        }
        break;
      }
      case 'payout-settled': {
        this.post(`contributor:${fact.contributorId}:payable`, fact.currency, fact.amount);
        this.post('paid-out', fact.currency, -fact.amount);
        const m = this.settled.get(fact.contributorId) ?? new Map<string, bigint>();
        m.set(fact.currency, (m.get(fact.currency) ?? 0n) + fact.amount);
        this.settled.set(fact.contributorId, m);
        break;
      }
    }
    return fact;
  }

  /** The agreement in effect for a consumer at a time (the latest whose effectiveFrom ≤ time, by log order). */
  agreementAt(consumerId: string, time: string): Agreement | undefined {
    let found: Agreement | undefined;
    for (const a of this.agreements.get(consumerId) ?? []) if (a.effectiveFrom <= time) found = a;
    return found;
  }

  /** Recomputes a revenue report's payout run (snapshot policy) from the pool at the report's position. */
  expectedRun(r: RevenueState): ExpectedPayoutRun {
    const alphaMicros = parseAlpha(r.alpha);
    const poolAmount = poolAmountOf(r.amount, alphaMicros);
    const shares = [...r.pool.entries()].filter(([, t]) => t > 0n).map(([contributorId, weight]) => ({ contributorId, weight }));
    const result = allocate(poolAmount, shares);
    const allocations = result.allocations
      .map((a) => ({ contributorId: a.contributorId, tokens: a.weight, amount: a.amount }))
      .sort((a, b) => (a.contributorId < b.contributorId ? -1 : a.contributorId > b.contributorId ? 1 : 0));
    return {
      poolPosition: r.position,
      totalTokens: result.totalWeight,
      poolAmount,
      remainder: r.amount - poolAmount,
      rootHash: allocationRootHash(r.revenueId, allocations),
      allocations,
    };
  }

  /** Payable balance of a contributor in a currency (allocated − settled). */
  payable(contributorId: string, currency: string): bigint {
    return -(this.accounts.get(`contributor:${contributorId}:payable`)?.get(currency) ?? 0n);
  }

  private changePool(contributorId: string, delta: bigint): void {
    if (delta === 0n) return;
    const next = (this.pool.get(contributorId) ?? 0n) + delta;
    if (next === 0n) this.pool.delete(contributorId);
    else this.pool.set(contributorId, next);
    this.totalTokens += delta;
  }

  private post(account: string, currency: string, amount: bigint): void {
    const m = this.accounts.get(account) ?? new Map<string, bigint>();
    m.set(currency, (m.get(currency) ?? 0n) + amount);
    this.accounts.set(account, m);
  }
}

export { ROUNDING_RULE_VERSION, formatMinor };
