import type { RecordedEvent } from '@1tt/event-store';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';
import { adjustmentsOf, allocationsOf, dataOf, idOf, int, money, str, type AllocationData } from '../ledger-event-data';

export const REVENUE_REPORTS = 'ledger_revenue_reports';
export const PAYOUT_RUNS = 'ledger_payout_runs';
export const PAYOUT_ALLOCATIONS = 'ledger_payout_allocations';
export const LATEST_REVENUE = 'ledger_latest_revenue';
/** The reports again, keyed by log position so that a list pages in the order they were reported. */
export const REVENUE_LOG = 'ledger_revenue_log';

/** Document id in REVENUE_LOG: the report's position, zero-padded so ids sort as numbers. */
export const revenueLogId = (position: number): string => String(position).padStart(16, '0');

export interface RevenueReportDoc extends Record<string, unknown> {
  revenueId: string;
  consumerId: string;
  amount: string;
  currency: string;
  alpha: string;
  periodStart: string | null;
  periodEnd: string | null;
  position: number;
  recordedAt: string;
  status: 'reported' | 'paid';
  /** The amount in force after corrections (absent: never corrected). */
  correctedAmount?: string;
  /** The corrections in log order. */
  corrections?: RevenueCorrectionDoc[];
}

export interface RevenueCorrectionDoc extends Record<string, unknown> {
  correctionId: string;
  previousAmount: string;
  amount: string;
  reversal: boolean;
  reason: string;
  position: number;
  recordedAt: string;
  /** Set once its adjustment postings are recorded (PayoutRunAdjusted position). */
  adjustedAt: number | null;
}

export interface PayoutRunDoc extends Record<string, unknown> {
  revenueId: string;
  consumerId: string;
  status: 'completed';
  position: number;
  completedAt: string;
  poolPosition: number;
  policy: string;
  totalTokens: string;
  /** Scoped runs (issue #14): the consumer's scope and ΣT_c, the tokens eligible under it. */
  scope?: unknown;
  eligibleTokens?: string;
  /** Data-request weights the run used (issue #15), as recorded; absent: none. */
  requestWeights?: Array<{ requestId: string; weight: string; creditedTokens: string }>;
  totalWeight: string;
  currency: string;
  /** Minor units (digit strings). */
  poolAmountMinor: string;
  remainderMinor: string;
  unallocatedMinor: string;
  rootHash: string;
  roundingRule: string;
  allocationCount: number;
  /** After corrections (absent: never corrected): the run's figures at the corrected amount. */
  net?: {
    amount: string;
    poolAmountMinor: string;
    remainderMinor: string;
    unallocatedMinor: string;
    allocatedMinor: string;
    rootHash: string;
    corrections: number;
  };
}

export interface PayoutAllocationDoc extends Record<string, unknown> {
  revenueId: string;
  consumerId: string;
  contributorId: string;
  tokens: string;
  amountMinor: string;
  currency: string;
  position: number;
  recordedAt: string;
  /** amountMinor + Σ adjustments (absent: never adjusted). */
  netMinor?: string;
  adjustments?: Array<{ correctionId: string; amountMinor: string; position: number }>;
}

/** Each consumer's most recent revenue report: the base of the expected payout. */
export interface LatestRevenueDoc extends Record<string, unknown> {
  consumerId: string;
  revenueId: string;
  amount: string;
  currency: string;
  alpha: string;
  position: number;
}

/** Allocation document id: ordered by contributor inside a run, so a run's page by id is in contributor order. */
export const allocationId = (revenueId: string, contributorId: string): string => `${revenueId}\u0000${contributorId}`;

/**
 * Revenue reports, payout runs and their allocations (one document per
 * contributor per run, so a run of 100k contributors pages without loading
 * the whole run), and each consumer's latest report.
 */
export const revenueProjection: Projection = {
  name: 'ledger-revenue',
  version: 6,
  collections: [
    { name: REVENUE_REPORTS, indexes: ['consumerId'] },
    { name: REVENUE_LOG, indexes: ['consumerId'] },
    { name: PAYOUT_RUNS, indexes: ['consumerId'] },
    { name: PAYOUT_ALLOCATIONS, indexes: ['revenueId', 'contributorId'] },
    LATEST_REVENUE,
  ],
  handles: [
    'RevenueReported',
    'PayoutRunAllocationsRecorded',
    'PayoutRunCompleted',
    'RevenueCorrected',
    'PayoutRunAdjustmentsRecorded',
    'PayoutRunAdjusted',
  ],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    const d = dataOf(event);
    if (event.type === 'RevenueReported') {
      const revenueId = idOf(event, 'revenueId', 'revenue');
      const consumerId = str(d, 'consumerId');
      const amount = str(d, 'amount');
      const currency = str(d, 'currency');
      const alpha = str(d, 'alpha');
      if (!revenueId || !consumerId || !amount || !currency || !alpha) return;
      // One stream per report created with no-stream: a second report under the same id is not the read side's to accept.
      if (await tx.get(REVENUE_REPORTS, revenueId)) return;
      const report: RevenueReportDoc = {
        revenueId,
        consumerId,
        amount,
        currency,
        alpha,
        periodStart: str(d, 'periodStart') ?? null,
        periodEnd: str(d, 'periodEnd') ?? null,
        position: event.position,
        recordedAt: event.metadata.recordedAt,
        status: 'reported',
      };
      tx.put(REVENUE_REPORTS, revenueId, report);
      tx.put(REVENUE_LOG, revenueLogId(report.position), report);
      tx.put(LATEST_REVENUE, consumerId, {
        consumerId,
        revenueId,
        amount,
        currency,
        alpha,
        position: event.position,
      } satisfies LatestRevenueDoc);
      return;
    }
    if (event.type === 'RevenueCorrected' || event.type === 'PayoutRunAdjustmentsRecorded' || event.type === 'PayoutRunAdjusted') {
      await applyCorrection(tx, event);
      return;
    }
    if (event.type === 'PayoutRunAllocationsRecorded' || event.type === 'PayoutRunCompleted') {
      // A run is PayoutRunStarted, PayoutRunAllocationsRecorded × chunkCount, PayoutRunCompleted, in one append.
      const revenueId = idOf(event, 'revenueId', 'payout-run');
      const currency = str(d, 'currency');
      if (!revenueId || !currency) return;
      // The first run of a revenue is the one paid; the audit flags any second one.
      if (await tx.get(PAYOUT_RUNS, revenueId)) return;
      const report = await tx.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId);
      const consumerId = report?.consumerId ?? str(d, 'consumerId') ?? '';
      if (event.type === 'PayoutRunAllocationsRecorded') {
        for (const a of allocationsOf(d, currency))
          tx.put(PAYOUT_ALLOCATIONS, allocationId(revenueId, a.contributorId), allocationDoc(revenueId, consumerId, currency, a, event));
        return;
      }
      const run: PayoutRunDoc = {
        revenueId,
        consumerId,
        status: 'completed',
        position: event.position,
        completedAt: event.metadata.recordedAt,
        poolPosition: Number(int(d, 'poolPosition') ?? 0n),
        policy: str(d, 'policy') ?? 'snapshot',
        totalTokens: (int(d, 'totalTokens') ?? 0n).toString(),
        ...(d.scope && int(d, 'eligibleTokens') !== undefined
          ? { scope: d.scope, eligibleTokens: int(d, 'eligibleTokens')!.toString() }
          : {}),
        totalWeight: (int(d, 'totalWeight') ?? 0n).toString(),
        ...(Array.isArray(d.requestWeights) ? { requestWeights: d.requestWeights as PayoutRunDoc['requestWeights'] } : {}),
        currency,
        poolAmountMinor: (money(d, 'poolAmount', currency) ?? 0n).toString(),
        remainderMinor: (money(d, 'remainder', currency) ?? 0n).toString(),
        unallocatedMinor: (money(d, 'unallocated', currency) ?? 0n).toString(),
        rootHash: str(d, 'rootHash') ?? '',
        roundingRule: str(d, 'roundingRuleVersion') ?? '',
        allocationCount: Number(int(d, 'allocationCount') ?? 0n),
      };
      tx.put(PAYOUT_RUNS, revenueId, run);
      if (report) {
        const paid: RevenueReportDoc = { ...report, status: 'paid' };
        tx.put(REVENUE_REPORTS, revenueId, paid);
        tx.put(REVENUE_LOG, revenueLogId(report.position), paid);
      }
    }
  },
};

function allocationDoc(
  revenueId: string,
  consumerId: string,
  currency: string,
  a: AllocationData,
  event: RecordedEvent,
): PayoutAllocationDoc {
  return {
    revenueId,
    consumerId,
    contributorId: a.contributorId,
    tokens: a.tokens.toString(),
    amountMinor: a.amount.toString(),
    currency,
    position: event.position,
    recordedAt: event.metadata.recordedAt,
  };
}

/**
 * Corrections: the report keeps its original amount and lists its
 * corrections; each allocation keeps its original amount and gains its
 * adjustments and net; the run gains its net figures.
 */
async function applyCorrection(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
  const d = dataOf(event);
  const revenueId = str(d, 'revenueId');
  const currency = str(d, 'currency');
  const correctionId = str(d, 'correctionId');
  if (!revenueId || !currency || !correctionId) return;
  if (event.type === 'RevenueCorrected') {
    const report = await tx.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId);
    const amount = str(d, 'amount');
    const previousAmount = str(d, 'previousAmount');
    if (!report || !amount || !previousAmount) return;
    const correction: RevenueCorrectionDoc = {
      correctionId,
      previousAmount,
      amount,
      reversal: d.reversal === true,
      reason: str(d, 'reason') ?? '',
      position: event.position,
      recordedAt: event.metadata.recordedAt,
      adjustedAt: null,
    };
    const next: RevenueReportDoc = { ...report, correctedAmount: amount, corrections: [...(report.corrections ?? []), correction] };
    tx.put(REVENUE_REPORTS, revenueId, next);
    tx.put(REVENUE_LOG, revenueLogId(report.position), next);
    // The expected payout estimate uses the latest report's amount in force.
    const latest = await tx.get<LatestRevenueDoc>(LATEST_REVENUE, report.consumerId);
    if (latest?.revenueId === revenueId) tx.put(LATEST_REVENUE, report.consumerId, { ...latest, amount } satisfies LatestRevenueDoc);
    return;
  }
  if (event.type === 'PayoutRunAdjustmentsRecorded') {
    for (const a of adjustmentsOf(d, currency)) {
      const id = allocationId(revenueId, a.contributorId);
      const current = await tx.get<PayoutAllocationDoc>(PAYOUT_ALLOCATIONS, id);
      if (!current) continue; // adjustments only touch contributors of the run; the audit names any other
      const net = BigInt(current.netMinor ?? current.amountMinor) + a.amount;
      tx.put(PAYOUT_ALLOCATIONS, id, {
        ...current,
        netMinor: net.toString(),
        adjustments: [...(current.adjustments ?? []), { correctionId, amountMinor: a.amount.toString(), position: event.position }],
      } satisfies PayoutAllocationDoc);
    }
    return;
  }
  // PayoutRunAdjusted
  const run = await tx.get<PayoutRunDoc>(PAYOUT_RUNS, revenueId);
  const amount = str(d, 'amount');
  if (run && amount) {
    tx.put(PAYOUT_RUNS, revenueId, {
      ...run,
      net: {
        amount,
        poolAmountMinor: (money(d, 'poolAmount', currency) ?? 0n).toString(),
        remainderMinor: (money(d, 'remainder', currency) ?? 0n).toString(),
        unallocatedMinor: (money(d, 'unallocated', currency) ?? 0n).toString(),
        allocatedMinor: (money(d, 'allocated', currency) ?? 0n).toString(),
        rootHash: str(d, 'rootHash') ?? '',
        corrections: (run.net?.corrections ?? 0) + 1,
      },
    } satisfies PayoutRunDoc);
  }
  const report = await tx.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId);
  if (report?.corrections?.some((c) => c.correctionId === correctionId)) {
    const next: RevenueReportDoc = {
      ...report,
      corrections: report.corrections.map((c) => (c.correctionId === correctionId ? { ...c, adjustedAt: event.position } : c)),
    };
    tx.put(REVENUE_REPORTS, revenueId, next);
    tx.put(REVENUE_LOG, revenueLogId(report.position), next);
  }
}
