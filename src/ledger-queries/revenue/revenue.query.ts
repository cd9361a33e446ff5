import { Injectable } from '@nestjs/common';
import { assertConsumerAccess, canReadConsumer, type Principal } from '@1tt/access';
import { NotFoundError, ValidationError } from '@1tt/domain-errors';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { runSummary } from './payout-run.query';
import { PAYOUT_RUNS, REVENUE_LOG, REVENUE_REPORTS, type PayoutRunDoc, type RevenueReportDoc } from './revenue.projection';
import type { RevenueListItem, RevenueListPage, RevenueResponse } from './revenue.response.dto';

/** GET /v1/revenue and /v1/revenue/{revenueId}: revenue reports with their payout run summary. */
@Injectable()
export class RevenueQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async revenue(principal: Principal, revenueId: string, query: PointInTimeQuery): Promise<RevenueResponse> {
    const position = await this.rm.positionFor(query, ['revenue']);
    const report = await this.rm.store.get<RevenueReportDoc>(REVENUE_REPORTS, revenueId, { atPosition: position });
    // Another consumer's report answers exactly as a missing one: the same status, code and text, no owner id.
    if (!report || !canReadConsumer(principal, report.doc.consumerId))
      throw new NotFoundError(
        'revenue-not-found',
        `No revenue report ${revenueId}${query.asOf || query.atPosition ? ' at that point in time' : ''}`,
      );
    return { ...(await this.revenueItem(report.doc, position)), position };
  }

  /**
   * Revenue reports in the order they were reported. A consumer lists its
   * own (naming another consumer is a 403: the list is not a way to probe
   * who reports); auditor and admin list all, or one consumer's.
   */
  async revenueList(principal: Principal, query: PointInTimeQuery & PageQuery & { consumerId?: string }): Promise<RevenueListPage> {
    const consumerId = query.consumerId === '' ? undefined : query.consumerId;
    if (consumerId !== undefined && typeof consumerId !== 'string') {
      throw new ValidationError('invalid-consumer-id', 'consumerId must be given once', {
        field: 'consumerId',
        hint: 'E.g. consumerId=<id>.',
      });
    }
    if (principal.role === 'consumer') assertConsumerAccess(principal, consumerId ?? principal.subjectId, { resource: 'revenue reports' });
    const owner = principal.role === 'consumer' ? principal.subjectId : consumerId;
    const position = await this.rm.positionFor(query, ['revenue']);
    const page = await this.rm.store.find<RevenueReportDoc>(REVENUE_LOG, {
      where: owner === undefined ? undefined : { consumerId: owner },
      atPosition: position,
      after: parseCursor(query.cursor),
      limit: parseLimit(query.limit),
    });
    const items: RevenueListItem[] = [];
    for (const { doc } of page.items) items.push(await this.revenueItem(doc, position));
    return { position, items, nextCursor: page.nextCursor ?? null };
  }

  private async revenueItem(r: RevenueReportDoc, position: number): Promise<RevenueListItem> {
    const run = await this.rm.store.get<PayoutRunDoc>(PAYOUT_RUNS, r.revenueId, { atPosition: position });
    return {
      revenueId: r.revenueId,
      consumerId: r.consumerId,
      status: r.status,
      amount: r.amount,
      currency: r.currency,
      alpha: r.alpha,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      recordedAt: r.recordedAt,
      reportPosition: r.position,
      payoutRun: run ? runSummary(run.doc) : null,
      currentAmount: r.correctedAmount ?? r.amount,
      corrections: (r.corrections ?? []).map((c) => ({
        correctionId: c.correctionId,
        previousAmount: c.previousAmount,
        amount: c.amount,
        reversal: c.reversal,
        reason: c.reason,
        position: c.position,
        recordedAt: c.recordedAt,
        adjustedAt: c.adjustedAt,
      })),
    };
  }
}
