import { Injectable } from '@nestjs/common';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { ratioOf } from '@1tt/audit';
import { formatMinor } from '@1tt/ledger';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { PAYOUT_RUNS, type PayoutRunDoc } from '../revenue/revenue.projection';
import { CONTRIBUTOR_PAYOUTS, type ContributorPayoutDoc } from './accounts.projection';
import type { ContributorPayoutsPage } from './accounts.response.dto';

/** GET /v1/contributors/{id}/payouts: allocations, adjustments and settlements in log order (ratios from the runs). */
@Injectable()
export class ContributorPayoutsQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async payouts(principal: Principal, contributorId: string, query: PointInTimeQuery & PageQuery): Promise<ContributorPayoutsPage> {
    assertContributorAccess(principal, contributorId);
    const position = await this.rm.positionFor(query, ['accounts', 'revenue']);
    const page = await this.rm.store.find<ContributorPayoutDoc>(CONTRIBUTOR_PAYOUTS, {
      where: { contributorId },
      atPosition: position,
      after: parseCursor(query.cursor),
      limit: parseLimit(query.limit),
    });
    const runs = new Map<string, PayoutRunDoc | undefined>();
    for (const item of page.items) {
      const id = item.doc.revenueId;
      // ΣT (for the ratio) is on the run's summary.
      if (item.doc.kind === 'allocation' && id && !runs.has(id))
        runs.set(id, (await this.rm.store.get<PayoutRunDoc>(PAYOUT_RUNS, id, { atPosition: position }))?.doc);
    }
    return {
      contributorId,
      position,
      items: page.items.map(({ doc }) => ({
        kind: doc.kind,
        position: doc.position,
        recordedAt: doc.recordedAt,
        revenueId: doc.revenueId,
        consumerId: doc.consumerId,
        tokens: doc.tokens,
        ratio:
          doc.tokens !== null && doc.revenueId && runs.get(doc.revenueId)
            ? ratioOf(doc.tokens, runs.get(doc.revenueId)!.totalTokens)
            : null,
        amount: formatMinor(BigInt(doc.amountMinor), doc.currency),
        currency: doc.currency,
        reference: doc.reference,
        ...(doc.kind === 'adjustment' ? { correctionId: doc.correctionId ?? null } : {}),
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }
}
