import { Injectable } from '@nestjs/common';
import {
  adjustmentMovement,
  allocationMovement,
  assemblePeriodStatement,
  settlementMovement,
  type PeriodStatement,
  type StatementMovement,
} from '@1tt/audit';
import { StreamNotFound, type RecordedEvent } from '@1tt/event-store';
import type { PayoutRunAdjusted, PayoutRunCompleted, PayoutSettled, RevenueReported } from '@1tt/ledger';
import { AUDIT_TRAIL, type AuditTrailDoc } from '../audit-trail/audit-trail.projection';
import { LedgerReadModels } from '../ledger-read-models.service';
import { PersonalNames } from '../../personal-data/personal-names';

const MONEY_TYPES = new Set(['PayoutRunAllocationsRecorded', 'PayoutRunAdjustmentsRecorded', 'PayoutSettled']);
const PAGE = 500;

/**
 * GET /v1/contributors/{id}/statements without reading the log: the
 * contributor's money events come from the audit-trail read model (indexed
 * by contributor: their lines of payout runs and adjustments, their
 * settlements), and each run or correction contributes its closing event,
 * read as the last event of its own stream (PayoutRunCompleted,
 * PayoutRunAdjusted) plus the report's first event (RevenueReported). The
 * work is proportional to the contributor's own history, not to the log.
 * The movements are assembled by the audit lib's assemblePeriodStatement,
 * the same rule `1tt audit statement` applies after replaying an export.
 */
@Injectable()
export class PeriodStatementQuery {
  constructor(
    private readonly rm: LedgerReadModels,
    private readonly personal: PersonalNames,
  ) {}

  async statement(contributorId: string, options: { from?: string; to?: string }): Promise<PeriodStatement> {
    const position = await this.rm.readablePosition(['auditTrail']);
    const to = options.to === undefined ? undefined : new Date(options.to).toISOString();
    const closing = new Map<string, RecordedEvent | undefined>();
    const lastOf = async (streamName: string, direction: 'forwards' | 'backwards' = 'backwards'): Promise<RecordedEvent | undefined> => {
      const key = `${direction}\u0000${streamName}`;
      if (!closing.has(key)) {
        try {
          closing.set(key, (await this.rm.events.readStream(streamName, { direction, maxCount: 1 }))[0]);
        } catch (e) {
          if (!(e instanceof StreamNotFound)) throw e;
          closing.set(key, undefined);
        }
      }
      return closing.get(key);
    };
    const movements: StatementMovement[] = [];
    let after: string | undefined;
    do {
      const page = await this.rm.store.find<AuditTrailDoc>(AUDIT_TRAIL, {
        where: { contributorId },
        atPosition: position,
        after,
        limit: PAGE,
      });
      for (const { doc } of page.items) {
        if (!MONEY_TYPES.has(doc.type)) continue;
        const d = doc.data as Record<string, unknown>;
        if (doc.type === 'PayoutSettled') {
          movements.push(settlementMovement({ position: doc.position, recordedAt: doc.time, data: d as unknown as PayoutSettled['data'] }));
          continue;
        }
        const end = await lastOf(doc.streamName);
        if (doc.type === 'PayoutRunAllocationsRecorded') {
          if (end?.type !== 'PayoutRunCompleted') continue; // the run is still being written
          const line = (d.allocations as Array<{ contributorId: string; amount: string; tokens: string; weight: string }>).find(
            (a) => a.contributorId === contributorId,
          );
          if (!line) continue;
          const completed = end.data as PayoutRunCompleted['data'];
          const report = await lastOf(`revenue-${completed.revenueId}`, 'forwards');
          const revenueAmount = report?.type === 'RevenueReported' ? (report.data as RevenueReported['data']).amount : undefined;
          movements.push(
            allocationMovement({ position: end.position, recordedAt: end.metadata.recordedAt, data: completed }, line, revenueAmount),
          );
        } else {
          if (end?.type !== 'PayoutRunAdjusted') continue;
          const line = (d.adjustments as Array<{ contributorId: string; amount: string }>).find((a) => a.contributorId === contributorId);
          if (!line) continue;
          movements.push(
            adjustmentMovement(
              { position: end.position, recordedAt: end.metadata.recordedAt, data: end.data as PayoutRunAdjusted['data'] },
              line,
            ),
          );
        }
      }
      after = page.nextCursor ?? undefined;
    } while (after);
    // Names as the offline replay gives them: from each party's registration, if it is in the log the statement covers.
    const names = new Map<string, string | null>();
    for (const [id, stream] of [
      [contributorId, `contributor-${contributorId}`],
      ...movements.filter((m) => m.line.consumerId).map((m) => [m.line.consumerId!, `consumer-${m.line.consumerId}`]),
    ] as Array<[string, string]>) {
      if (names.has(id)) continue;
      const first = await lastOf(stream, 'forwards');
      const d = (first?.data ?? {}) as Record<string, unknown>;
      const registered =
        first !== undefined &&
        (first.type === 'ContributorRegistered' || first.type === 'ConsumerRegistered') &&
        first.position <= position &&
        (to === undefined || first.metadata.recordedAt < to);
      // A contributor's sealed name is opened with their key ("erased" once it is destroyed); the offline statement has no key and shows none.
      names.set(
        id,
        registered ? (this.personal.open(id, d, first.type === 'ContributorRegistered' ? 'contributor' : 'consumer') ?? null) : null,
      );
    }
    const inRange = movements
      .filter((m) => m.line.position <= position && (to === undefined || m.line.recordedAt < to))
      .sort((a, b) => a.line.position - b.line.position);
    return assemblePeriodStatement(contributorId, inRange, {
      from: options.from,
      to: options.to,
      position,
      names: (id) => (id === null ? null : (names.get(id) ?? null)),
    });
  }
}
