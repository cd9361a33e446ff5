import { Injectable } from '@nestjs/common';
import type { Principal } from '@1tt/access';
import { ratioOf } from '@1tt/audit';
import { NotFoundError } from '@1tt/domain-errors';
import { formatMinor } from '@1tt/ledger';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { RevenueVisibilityPolicy } from '../revenue-visibility.policy';
import { allocationId, PAYOUT_ALLOCATIONS, PAYOUT_RUNS, type PayoutAllocationDoc, type PayoutRunDoc } from './revenue.projection';
import type { PayoutRunResponse, PayoutRunSummaryDto } from './revenue.response.dto';

/** GET /v1/payout-runs/{revenueId}: a run with its allocations, scoped by role. */
@Injectable()
export class PayoutRunQuery {
  constructor(
    private readonly rm: LedgerReadModels,
    private readonly visibility: RevenueVisibilityPolicy,
  ) {}

  async payoutRun(principal: Principal, revenueId: string, query: PointInTimeQuery & PageQuery): Promise<PayoutRunResponse> {
    const position = await this.rm.positionFor(query, ['revenue']);
    const at = { atPosition: position };
    const run = await this.rm.store.get<PayoutRunDoc>(PAYOUT_RUNS, revenueId, at);
    const notFound = (): never => {
      throw new NotFoundError(
        'payout-run-not-found',
        `No payout run for revenue ${revenueId}${query.asOf || query.atPosition ? ' at that point in time' : ' (yet)'}`,
        {
          hint: 'The run follows its revenue report; retry shortly.',
        },
      );
    };
    if (!run) return notFound();
    const doc = run.doc;
    let allocations: PayoutAllocationDoc[];
    let nextCursor: string | null = null;
    if (principal.role === 'contributor') {
      // A contributor sees the run's summary and only their own share: other contributors' amounts are theirs.
      const own = await this.rm.store.get<PayoutAllocationDoc>(PAYOUT_ALLOCATIONS, allocationId(revenueId, principal.subjectId), at);
      allocations = own ? [own.doc] : [];
    } else {
      if (principal.role === 'consumer' && principal.subjectId !== doc.consumerId) return notFound();
      const page = await this.rm.store.find<PayoutAllocationDoc>(PAYOUT_ALLOCATIONS, {
        where: { revenueId },
        atPosition: position,
        after: parseCursor(query.cursor),
        limit: parseLimit(query.limit),
      });
      allocations = page.items.map((i) => i.doc);
      nextCursor = page.nextCursor ?? null;
    }
    // The remainder R − pool and the corrected R reveal the gross revenue: a contributor sees them only under revenueVisibility gross.
    const gross = await this.visibility.forPrincipal(principal)(doc.consumerId);
    const summary = runSummary(doc);
    return {
      ...summary,
      remainder: gross ? summary.remainder : null,
      position,
      allocations: allocations.map((a) => ({
        contributorId: a.contributorId,
        tokens: a.tokens,
        ratio: ratioOf(a.tokens, doc.eligibleTokens ?? doc.totalTokens),
        amount: formatMinor(BigInt(a.amountMinor), a.currency),
        netAmount: formatMinor(BigInt(a.netMinor ?? a.amountMinor), a.currency),
      })),
      adjustments: allocations.flatMap((a) =>
        (a.adjustments ?? []).map((x) => ({
          correctionId: x.correctionId,
          contributorId: a.contributorId,
          amount: formatMinor(BigInt(x.amountMinor), a.currency),
          position: x.position,
        })),
      ),
      net: doc.net
        ? {
            amount: gross ? doc.net.amount : null,
            poolAmount: formatMinor(BigInt(doc.net.poolAmountMinor), doc.currency),
            remainder: gross ? formatMinor(BigInt(doc.net.remainderMinor), doc.currency) : null,
            unallocated: formatMinor(BigInt(doc.net.unallocatedMinor), doc.currency),
            allocated: formatMinor(BigInt(doc.net.allocatedMinor), doc.currency),
            rootHash: doc.net.rootHash,
            corrections: doc.net.corrections,
          }
        : null,
      nextCursor,
    };
  }
}

/** Why part of a run's pool amount stayed unallocated (none: all of it was allocated). */
export type UnallocatedReason = 'none' | 'no-tokens-in-period' | 'empty-pool' | 'unclaimed';

/**
 * Where the money of a run went, as a code and in words (the dashboard's
 * run explanation, given by the API so every client can show it): why an
 * amount stayed unallocated, if any did.
 */
export function unallocatedExplanation(run: {
  policy?: string;
  totalWeight?: string;
  totalTokens: string;
  currency: string;
  poolAmount: string;
  unallocated: string;
  allocationCount: number;
}): { unallocatedReason: UnallocatedReason; explanation: string } {
  const pool = `${run.poolAmount} ${run.currency}`;
  const left = `${run.unallocated} ${run.currency}`;
  const zero = (v: string | undefined) => v === undefined || /^0*(\.0+)?$/.test(v);
  if (zero(run.unallocated))
    return {
      unallocatedReason: 'none',
      explanation: `The whole pool amount (${pool}) was allocated to ${run.allocationCount} contributor(s).`,
    };
  if (run.policy === 'time-weighted' && zero(run.totalWeight))
    return {
      unallocatedReason: 'no-tokens-in-period',
      explanation: `Nothing was allocated: under the time-weighted policy a contributor is paid for the time their tokens were in the pool during the reported period, and no tokens were in the pool during it. ${left} stays unallocated (recorded, not paid to anyone).`,
    };
  if (zero(run.totalTokens))
    return {
      unallocatedReason: 'empty-pool',
      explanation: `Nothing was allocated: the pool held no tokens when the report was recorded. ${left} stays unallocated (recorded, not paid to anyone).`,
    };
  return {
    unallocatedReason: 'unclaimed',
    explanation: `${left} of the ${pool} pool amount stayed unallocated (no contributor's weight claimed it); it is recorded, not paid to anyone.`,
  };
}

/** A run as the revenue routes and the payout-run route show it. */
export function runSummary(doc: PayoutRunDoc): PayoutRunSummaryDto & { policy: string; totalWeight: string; unallocated: string } {
  const summary = {
    revenueId: doc.revenueId,
    consumerId: doc.consumerId,
    status: doc.status,
    runPosition: doc.position,
    policy: doc.policy,
    totalWeight: doc.totalWeight,
    unallocated: doc.currency ? formatMinor(BigInt(doc.unallocatedMinor ?? '0'), doc.currency) : '0',
    completedAt: doc.completedAt,
    poolPosition: doc.poolPosition,
    totalTokens: doc.totalTokens,
    scope: scopeOf(doc.scope),
    eligibleTokens: doc.eligibleTokens ?? null,
    requestWeights: doc.requestWeights ?? [],
    currency: doc.currency,
    poolAmount: doc.currency ? formatMinor(BigInt(doc.poolAmountMinor), doc.currency) : doc.poolAmountMinor,
    remainder: doc.currency ? formatMinor(BigInt(doc.remainderMinor), doc.currency) : doc.remainderMinor,
    rootHash: doc.rootHash,
    roundingRule: doc.roundingRule,
    allocationCount: doc.allocationCount,
  };
  return { ...summary, ...unallocatedExplanation(summary) };
}

/** The recorded scope in its documented field order (the store may keep object keys sorted). */
function scopeOf(value: unknown): PayoutRunSummaryDto['scope'] {
  if (!value || typeof value !== 'object') return null;
  const v = value as NonNullable<PayoutRunSummaryDto['scope']>;
  return { uses: v.uses, languages: v.languages, contentClasses: v.contentClasses, licences: v.licences };
}
