import { Injectable } from '@nestjs/common';
import { seesEverything, type Principal } from '@1tt/access';
import { ratioOf } from '@1tt/audit';
import { MAX_LIMIT, parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import {
  POOL_CONTRIBUTORS,
  POOL_DATASETS,
  POOL_TOTALS,
  POOL_TOTALS_ID,
  type PoolContributorDoc,
  type PoolDatasetDoc,
  type PoolTotalsDoc,
} from './pool.projection';
import type { PoolResponse } from './pool.response.dto';

/** GET /v1/pool: ΣT and every contributor's tokens and ratio, at one position of the pool read model. */
@Injectable()
export class PoolQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async pool(principal: Principal, query: PointInTimeQuery & PageQuery & { includeDatasets?: string }): Promise<PoolResponse> {
    const position = await this.rm.positionFor(query, ['pool']);
    const limit = parseLimit(query.limit, MAX_LIMIT);
    const after = parseCursor(query.cursor);
    const at = { atPosition: position };
    const totals = await this.rm.store.get<PoolTotalsDoc>(POOL_TOTALS, POOL_TOTALS_ID, at);
    const totalTokens = totals?.doc.totalTokens ?? '0';
    const page = await this.rm.store.find<PoolContributorDoc>(POOL_CONTRIBUTORS, { ...at, after, limit });
    // Datasets: a contributor sees only their own; admin/auditor ask for them (includeDatasets=true) since they cost one query per entry.
    const showDatasets = (id: string): boolean =>
      (principal.role === 'contributor' && principal.subjectId === id) || (seesEverything(principal) && query.includeDatasets === 'true');
    const contributors = [];
    for (const { doc } of page.items) {
      contributors.push({
        contributorId: doc.contributorId,
        tokens: doc.tokens,
        ratio: ratioOf(doc.tokens, totalTokens),
        ...(showDatasets(doc.contributorId) ? { datasets: await this.poolDatasets(doc.contributorId, position) } : {}),
      });
    }
    return { position, totalTokens, contributorCount: totals?.doc.contributors ?? 0, contributors, nextCursor: page.nextCursor ?? null };
  }

  private async poolDatasets(contributorId: string, atPosition: number): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let after: string | undefined;
    do {
      const page = await this.rm.store.find<PoolDatasetDoc>(POOL_DATASETS, {
        where: { contributorId, status: 'accepted' },
        atPosition,
        after,
        limit: MAX_LIMIT,
      });
      for (const { doc } of page.items) out[doc.datasetId] = doc.tokens;
      after = page.nextCursor;
    } while (after);
    return out;
  }
}
