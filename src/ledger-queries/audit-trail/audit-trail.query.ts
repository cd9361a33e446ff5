import { Injectable } from '@nestjs/common';
import { assertContributorAccess, type Principal } from '@1tt/access';
import { parseCursor, parseLimit, type PageQuery, type PointInTimeQuery } from '../../http/point-in-time.params';
import { LedgerReadModels } from '../ledger-read-models.service';
import { AUDIT_TRAIL, type AuditTrailDoc } from './audit-trail.projection';
import type { AuditTrailPage } from './audit-trail.response.dto';

/** GET /v1/contributors/{id}/audit-trail: the events that touched a contributor, in log order. */
@Injectable()
export class AuditTrailQuery {
  constructor(private readonly rm: LedgerReadModels) {}

  async auditTrail(principal: Principal, contributorId: string, query: PointInTimeQuery & PageQuery): Promise<AuditTrailPage> {
    assertContributorAccess(principal, contributorId);
    const position = await this.rm.positionFor(query, ['auditTrail']);
    const page = await this.rm.store.find<AuditTrailDoc>(AUDIT_TRAIL, {
      where: { contributorId },
      atPosition: position,
      after: parseCursor(query.cursor),
      limit: parseLimit(query.limit),
    });
    return {
      contributorId,
      position,
      items: page.items.map(({ doc }) => ({
        position: doc.position,
        type: doc.type,
        time: doc.time,
        streamName: doc.streamName,
        revision: doc.revision,
        eventId: doc.eventId,
        data: doc.data,
        dataComplete: doc.dataComplete,
        hash: doc.hash,
        prevHash: doc.prevHash,
      })),
      nextCursor: page.nextCursor ?? null,
    };
  }
}
