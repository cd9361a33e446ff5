import { Injectable } from '@nestjs/common';
import type { Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { DATA_REQUESTS, type DataRequestDoc } from './data-requests.projection';
import type { DataRequestPage, DataRequestResponse, DataRequestView } from './data-requests.response.dto';

/**
 * GET /v1/data-requests[/{id}]. Who sees what: a contributor the requests
 * open at the time asked (what they may upload against, with what is left
 * to fill); a consumer its own, whatever their status; admin and auditor
 * all. Anything else is the same 404 as a missing id.
 */
@Injectable()
export class DataRequestsQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async one(principal: Principal, requestId: string, query: PointInTimeQuery): Promise<DataRequestResponse> {
    const position = await this.rm.positionFor(query, ['dataRequests']);
    const found = await this.rm.store.get<DataRequestDoc>(DATA_REQUESTS, requestId, { atPosition: position });
    const view = found ? viewOf(found.doc, timeOf(query)) : undefined;
    if (!view || !visible(principal, view))
      throw new NotFoundError('data-request-not-found', `No data request ${requestId}`, { field: 'id' });
    return { ...view, position };
  }

  async list(principal: Principal, query: PointInTimeQuery & PageQuery): Promise<DataRequestPage> {
    const position = await this.rm.positionFor(query, ['dataRequests']);
    const page = await this.rm.store.find<DataRequestDoc>(DATA_REQUESTS, {
      where: principal.role === 'consumer' ? { consumerId: principal.subjectId } : undefined,
      atPosition: position,
      after: parseCursor(query.cursor),
      limit: parseLimit(query.limit),
    });
    const at = timeOf(query);
    const items = page.items.map((i) => viewOf(i.doc, at)).filter((v) => visible(principal, v));
    return { position, items, nextCursor: page.nextCursor ?? null };
  }
}

const timeOf = (query: PointInTimeQuery): number => (query.asOf ? Date.parse(query.asOf) : Date.now());

function visible(p: Principal, v: DataRequestView): boolean {
  if (p.role === 'admin' || p.role === 'auditor') return true;
  if (p.role === 'consumer') return v.consumerId === p.subjectId;
  return v.status === 'open';
}

export function viewOf(doc: DataRequestDoc, at: number): DataRequestView {
  const r = doc.request;
  const remaining = BigInt(r.tokenTarget) - BigInt(doc.creditedTokens);
  const status: DataRequestView['status'] =
    doc.closedAt !== null || at >= Date.parse(r.closesAt)
      ? 'closed'
      : at < Date.parse(r.opensAt)
        ? 'scheduled'
        : remaining <= 0n
          ? 'filled'
          : 'open';
  return {
    requestId: r.requestId,
    consumerId: r.consumerId,
    title: r.title,
    description: r.description,
    languages: r.languages,
    contentClasses: r.contentClasses,
    keywords: r.keywords,
    sampleText: r.sampleText,
    tokenTarget: r.tokenTarget,
    creditedTokens: doc.creditedTokens,
    remainingTokens: (remaining > 0n ? remaining : 0n).toString(),
    creditedDatasets: doc.creditedDatasets,
    weight: r.weight,
    opensAt: r.opensAt,
    closesAt: r.closesAt,
    weightUntil: r.weightUntil,
    openedAt: r.openedAt,
    closedAt: doc.closedAt,
    status,
  };
}
