import { Injectable } from '@nestjs/common';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { NotFoundError } from '@1tt/domain-errors';
import { isoDayOf, reputationOf, type ReputationDay } from '@1tt/ledger';
import { MAX_LIMIT, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import {
  REPUTATION_CLOCK,
  REPUTATION_CLOCK_ID,
  REPUTATION_CONTRIBUTORS,
  REPUTATION_DAYS,
  type ReputationClockDoc,
  type ReputationContributorDoc,
  type ReputationDayDoc,
} from './reputation.projection';
import type { ReputationResponse } from './reputation.response.dto';

/**
 * GET /v1/contributors/{id}/reputation: reputationOf (@1tt/ledger, the
 * formula `1tt audit reputation` uses) over the contributor's evidence
 * days valid at the answered position, evaluated on the log's day there.
 */
@Injectable()
export class ReputationQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async reputation(principal: Principal, contributorId: string, query: PointInTimeQuery): Promise<ReputationResponse> {
    assertContributorAccess(principal, contributorId);
    const position = await this.rm.positionFor(query, ['reputation']);
    const at = { atPosition: position };
    const [contributor, clock] = await Promise.all([
      this.rm.store.get<ReputationContributorDoc>(REPUTATION_CONTRIBUTORS, contributorId, at),
      this.rm.store.get<ReputationClockDoc>(REPUTATION_CLOCK, REPUTATION_CLOCK_ID, at),
    ]);
    if (!contributor || !clock) {
      throw new NotFoundError('contributor-not-found', `Contributor ${contributorId} is not registered at position ${position}`, {
        field: 'id',
      });
    }
    const days: ReputationDay[] = [];
    let after: string | undefined;
    do {
      const page = await this.rm.store.find<ReputationDayDoc>(REPUTATION_DAYS, {
        where: { contributorId },
        atPosition: position,
        after,
        limit: MAX_LIMIT,
      });
      for (const { doc } of page.items)
        days.push({
          day: doc.day,
          keptTokens: BigInt(doc.keptTokens),
          inputTokens: BigInt(doc.inputTokens),
          duplicateTokens: BigInt(doc.duplicateTokens),
          rejectedUploads: doc.rejectedUploads,
          withdrawnTokens: BigInt(doc.withdrawnTokens),
          withdrawals: doc.withdrawals,
          creditedTokens: BigInt(doc.creditedTokens ?? '0'),
        });
      after = page.nextCursor;
    } while (after);
    const r = reputationOf({ firstDay: contributor.doc.firstDay, days }, clock.doc.day);
    return { contributorId, ...r, evaluatedOn: isoDayOf(clock.doc.day), position };
  }
}
