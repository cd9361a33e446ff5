import Decimal from 'decimal.js';
import type { RecordedEvent } from '@1tt/event-store';
import {
  accounts,
  agreementInForce,
  Balances,
  computePayoutRun,
  computeRunAdjustment,
  PoolState,
  parseAmount,
  payoutBatchDecider,
  type PayoutBatchEvent,
  type PayoutBatchesState,
  type RunAdjustmentResult,
  type Agreement,
  type PayoutRunAllocationsRecorded,
  type PayoutRunCompleted,
  type PayoutRunResult,
  type PayoutRunStarted,
  type PayoutRunAdjusted,
  type PayoutRunAdjustmentsRecorded,
  type RevenueCorrected,
  type RevenueReported,
  recordedRevenueVisibility,
} from '@1tt/ledger';

/** Ratios are shown with this many decimals (rounded down), as the API does. */
export const RATIO_DECIMALS = 12;

export function ratioOf(part: bigint | string, whole: bigint | string): string {
  if (BigInt(whole) === 0n) return '0';
  return new Decimal(part.toString()).div(whole.toString()).toDecimalPlaces(RATIO_DECIMALS, Decimal.ROUND_DOWN).toFixed();
}

export interface RevenueState {
  revenueId: string;
  consumerId: string;
  /** The RevenueReported data as recorded (agreement terms copied in). */
  report: RevenueReported['data'];
  position: number;
  recordedAt: string;
  paid: boolean;
  /** The amount in force: the report's, or its latest correction's. */
  amount: string;
}

/** A recorded correction and whether its adjustment postings were seen. */
export interface CorrectionState {
  correction: Positioned<RevenueCorrected['data']>;
  adjusted: boolean;
}

/** Every event of one recorded adjustment, handed back when its PayoutRunAdjusted is applied. */
export interface RecordedAdjustmentRun {
  chunks: Positioned<PayoutRunAdjustmentsRecorded['data']>[];
  adjusted: Positioned<PayoutRunAdjusted['data']>;
}

export interface AgreementAt extends Agreement {
  position: number;
}

/** A payout run as the log recorded it (summary; allocations stay in the chunk events). */
export interface PayoutRunState {
  revenueId: string;
  consumerId: string;
  /** Position of PayoutRunCompleted. */
  position: number;
  recordedAt: string;
  completed: PayoutRunCompleted['data'];
}

export interface Positioned<D> {
  position: number;
  streamName: string;
  revision: number;
  type: string;
  id: string;
  data: D;
}

/** Every event of one recorded run, handed back when its PayoutRunCompleted is applied. */
export interface RecordedRun {
  run: PayoutRunState;
  started?: Positioned<PayoutRunStarted['data']>;
  chunks: Positioned<PayoutRunAllocationsRecorded['data']>[];
  completed: Positioned<PayoutRunCompleted['data']>;
}

interface RunInProgress {
  started?: Positioned<PayoutRunStarted['data']>;
  chunks: Positioned<PayoutRunAllocationsRecorded['data']>[];
}

function positioned<D>(e: RecordedEvent): Positioned<D> {
  return { position: e.position, streamName: e.streamName, revision: e.revision, type: e.type, id: e.id, data: e.data as D };
}

/**
 * Folds a log, in position order, with the ledger's own pure code: the pool
 * is @1tt/ledger's PoolState (as of any position), balances are its
 * double-entry Balances (postingsFor), and a payout run is recomputed with
 * its computePayoutRun, the very function the service's processor runs. So
 * there is one implementation of the money rules, and the audit's value is
 * recomputing them from the log alone. Pure: no I/O, no clock.
 *
 * An event whose position is not after the last one applied is ignored (the
 * chain checks report it); a malformed ledger event throws after every fold
 * has advanced past it, so one bad event is reported once.
 */
export class LedgerReplay {
  readonly pool = new PoolState();
  readonly balances = new Balances();
  readonly contributors = new Set<string>();
  readonly consumers = new Set<string>();
  readonly agreements = new Map<string, AgreementAt[]>();
  readonly revenue = new Map<string, RevenueState>();
  /** consumerId → revenueId of its latest report (what "expected payout" uses). */
  readonly latestRevenue = new Map<string, string>();
  readonly runs = new Map<string, PayoutRunState>();
  readonly runsInOrder: PayoutRunState[] = [];
  /** Runs started but not completed (Started and chunks seen). */
  readonly inProgress = new Map<string, RunInProgress>();
  /** Corrections by correctionId, in log order. */
  readonly corrections = new Map<string, CorrectionState>();
  /** Adjustment chunks seen, by correctionId, before their PayoutRunAdjusted. */
  readonly adjustmentsInProgress = new Map<string, Positioned<PayoutRunAdjustmentsRecorded['data']>[]>();
  /** Set by apply() when the event completed an adjustment (PayoutRunAdjusted), else undefined. */
  completedAdjustment?: RecordedAdjustmentRun;
  /** Contributors who have set payout details (PayoutDetailsSet seen). */
  readonly payoutDetails = new Set<string>();
  /** Payout batches per currency, folded with the ledger's own batch decider. */
  readonly batches = new Map<string, PayoutBatchesState>();
  /** `batchId/lineId` of every batch line a PayoutSettled paid. */
  readonly settledBatchLines = new Set<string>();
  /** Token counts recorded but not yet decided (DatasetAccepted must carry the same). */
  readonly countedTokens = new Map<string, string>();
  position = 0;
  recordedAt?: string;

  apply(e: RecordedEvent): RecordedRun | undefined {
    if (e.position <= this.position) return undefined;
    this.position = e.position;
    this.recordedAt = e.metadata.recordedAt;
    this.completedAdjustment = undefined;
    let failure: unknown;
    try {
      this.pool.apply(e);
    } catch (err) {
      failure = err;
    }
    try {
      this.balances.apply(e);
    } catch (err) {
      failure ??= err;
    }
    let out: RecordedRun | undefined;
    try {
      out = this.fold(e);
    } catch (err) {
      failure ??= err;
    }
    if (failure !== undefined) throw failure;
    return out;
  }

  /** The agreement in force for a consumer at a time (the ledger's agreementInForce over the recorded timeline). */
  agreementAt(consumerId: string, at: string): AgreementAt | undefined {
    return agreementInForce(this.agreements.get(consumerId) ?? [], new Date(at)) as AgreementAt | undefined;
  }

  /** The run a report must have, recomputed from the pool fold (which has applied at least up to the report). */
  expectedRun(r: RevenueState): PayoutRunResult {
    return computePayoutRun({ report: r.report, reportPosition: r.position, pool: this.pool });
  }

  /** The adjustment a correction must have, recomputed on the pool as of its report (the original run's position). */
  expectedAdjustment(r: RevenueState, correction: RevenueCorrected['data']): RunAdjustmentResult {
    return computeRunAdjustment({ report: r.report, reportPosition: r.position, pool: this.pool, correction });
  }

  /** What the contributor is owed now, in minor units (the payable account's balance). */
  payable(contributorId: string, currency: string): bigint {
    return this.balances.balance(accounts.contributorPayable(contributorId), currency);
  }

  /** Minor units of a contributor's balance in open (reserved or held) batch lines. */
  reserved(contributorId: string, currency: string): bigint {
    let sum = 0n;
    for (const b of this.batches.get(currency)?.batches.values() ?? [])
      for (const l of b.lines)
        if (l.contributorId === contributorId && (l.status === 'reserved' || l.status === 'held')) sum += parseAmount(l.amount, currency);
    return sum;
  }

  /** The batch with that id, in any currency. */
  batch(batchId: string) {
    for (const s of this.batches.values()) {
      const b = s.batches.get(batchId);
      if (b) return b;
    }
    return undefined;
  }

  private fold(e: RecordedEvent): RecordedRun | undefined {
    const d = (e.data ?? {}) as Record<string, unknown>;
    switch (e.type) {
      case 'PayoutDetailsSet':
        this.payoutDetails.add(String(d.contributorId));
        return undefined;
      case 'PayoutSettled':
        if (typeof d.batchId === 'string' && typeof d.lineId === 'string') this.settledBatchLines.add(`${d.batchId}/${d.lineId}`);
        return undefined;
      case 'PayoutBatchCreated':
      case 'PayoutBatchReconciled': {
        const currency = String(d.currency);
        const state = this.batches.get(currency) ?? payoutBatchDecider.initialState;
        this.batches.set(currency, payoutBatchDecider.evolve(state, e as unknown as PayoutBatchEvent));
        return undefined;
      }
      case 'ContributorRegistered':
        this.contributors.add(String(d.contributorId));
        return undefined;
      case 'ConsumerRegistered':
        this.consumers.add(String(d.consumerId));
        return undefined;
      case 'RevenueShareAgreed': {
        const list = this.agreements.get(String(d.consumerId)) ?? [];
        list.push({
          alpha: String(d.alpha),
          currency: String(d.currency),
          policy: d.policy as Agreement['policy'],
          effectiveFrom: String(d.effectiveFrom),
          revenueVisibility: recordedRevenueVisibility(d.revenueVisibility),
          ...(d.scope ? { scope: d.scope as Agreement['scope'] } : {}),
          position: e.position,
        });
        this.agreements.set(String(d.consumerId), list);
        return undefined;
      }
      case 'DatasetTokensCounted':
        this.countedTokens.set(String(d.datasetId), String(d.tokens));
        return undefined;
      case 'DatasetAccepted':
      case 'DatasetRejected':
        this.countedTokens.delete(String(d.datasetId));
        return undefined;
      case 'RevenueReported': {
        const report = e.data as RevenueReported['data'];
        if (this.revenue.has(report.revenueId)) return undefined;
        this.revenue.set(report.revenueId, {
          revenueId: report.revenueId,
          consumerId: report.consumerId,
          report,
          position: e.position,
          recordedAt: e.metadata.recordedAt,
          paid: false,
          amount: report.amount,
        });
        this.latestRevenue.set(report.consumerId, report.revenueId);
        return undefined;
      }
      case 'RevenueCorrected': {
        const c = e.data as RevenueCorrected['data'];
        if (this.corrections.has(String(c.correctionId))) return undefined;
        this.corrections.set(String(c.correctionId), { correction: positioned(e), adjusted: false });
        const r = this.revenue.get(String(c.revenueId));
        if (r) r.amount = String(c.amount);
        return undefined;
      }
      case 'PayoutRunAdjustmentsRecorded': {
        const id = String(d.correctionId);
        const chunks = this.adjustmentsInProgress.get(id) ?? [];
        chunks.push(positioned(e));
        this.adjustmentsInProgress.set(id, chunks);
        return undefined;
      }
      case 'PayoutRunAdjusted': {
        const id = String(d.correctionId);
        const chunks = this.adjustmentsInProgress.get(id) ?? [];
        this.adjustmentsInProgress.delete(id);
        const known = this.corrections.get(id);
        if (known) known.adjusted = true;
        this.completedAdjustment = { chunks, adjusted: positioned(e) };
        return undefined;
      }
      case 'PayoutRunStarted':
        this.inProgress.set(String(d.revenueId), { started: positioned(e), chunks: [] });
        return undefined;
      case 'PayoutRunAllocationsRecorded': {
        const id = String(d.revenueId);
        const run = this.inProgress.get(id) ?? { chunks: [] };
        run.chunks.push(positioned(e));
        this.inProgress.set(id, run);
        return undefined;
      }
      case 'PayoutRunCompleted': {
        const completed = e.data as PayoutRunCompleted['data'];
        const inProgress = this.inProgress.get(completed.revenueId) ?? { chunks: [] };
        this.inProgress.delete(completed.revenueId);
        const run: PayoutRunState = {
          revenueId: completed.revenueId,
          consumerId: completed.consumerId,
          position: e.position,
          recordedAt: e.metadata.recordedAt,
          completed,
        };
        this.runs.set(run.revenueId, run);
        this.runsInOrder.push(run);
        const r = this.revenue.get(run.revenueId);
        if (r) r.paid = true;
        return { run, started: inProgress.started, chunks: inProgress.chunks, completed: positioned(e) };
      }
      default:
        return undefined;
    }
  }
}
