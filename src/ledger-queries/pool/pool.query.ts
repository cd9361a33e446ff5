import { Injectable } from '@nestjs/common';
import { seesEverything, type Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { assertId } from '@1tt/ledger';
import { EligiblePool } from '../eligible-pool/eligible-pool.service';
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
  constructor(
    private readonly rm: LedgerReadModels,
    private readonly eligible: EligiblePool,
  ) {}

  /**
   * GET /v1/pool?consumerId= (issue #14): the pool that consumer pays for as
   * of the position: each contributor's eligible tokens under the scope of
   * the agreement in force (at asOf, else now; among agreements recorded by
   * the position) and ratio = tokens / ΣT_c. No scope: the whole pool.
   * Another consumer's is not found (its agreement is its own).
   */
  async eligiblePool(principal: Principal, consumerIdParam: string, query: PointInTimeQuery & PageQuery): Promise<PoolResponse> {
    const consumerId = assertId(consumerIdParam, 'consumerId');
    const notFound = () =>
      new NotFoundError('consumer-not-found', `No consumer ${consumerId}`, { field: 'consumerId', hint: 'GET /v1/consumers lists them.' });
    if (principal.role === 'consumer' && principal.subjectId !== consumerId) throw notFound();
    const limit = parseLimit(query.limit, MAX_LIMIT);
    const after = parseCursor(query.cursor);
    const position = await this.rm.positionFor(query, ['pool']);
    const terms = await this.eligible.termsOf(consumerId, position, query.asOf ? new Date(query.asOf) : new Date());
    if (!terms.registered) throw notFound();
    const pool = await this.eligible.at(position);
    const snapshot = terms.scope ? pool.eligibleAt(position, terms.scope) : pool.at(position);
    const entries = [...snapshot.contributors].filter(([, tokens]) => tokens > 0n);
    // Contributor id order (UTF-16 code units, as JavaScript compares strings), as the whole pool pages.
    const ordered = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const from = after === undefined ? 0 : ordered.findIndex(([id]) => id > after);
    const page = from < 0 ? [] : ordered.slice(from, from + limit);
    const more = from >= 0 && from + limit < ordered.length;
    const totalTokens = snapshot.totalTokens.toString();
    return {
      position,
      consumerId,
      scope: terms.scope ?? null,
      totalTokens,
      contributorCount: ordered.length,
      contributors: page.map(([contributorId, tokens]) => ({
        contributorId,
        tokens: tokens.toString(),
        ratio: ratioOf(tokens, totalTokens),
      })),
      nextCursor: more ? page[page.length - 1][0] : null,
    };
  }

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
