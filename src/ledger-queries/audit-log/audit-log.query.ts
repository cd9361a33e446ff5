import { Injectable } from '@nestjs/common';
import { ValidationError } from '@1tt/domain-errors';
import { EventStore, InvalidPosition, type RecordedEvent } from '@1tt/event-store';
import { parseLimit, parsePosition, requestedPosition, type PointInTimeQuery } from '../../http/point-in-time.params';
import { AuditVerifier } from '../audit-verify/audit-verifier.service';
import type { AuditEventsResponse, AuditVerifyResponse } from './audit-log.response.dto';

/**
 * The raw log for auditors (GET /v1/audit/events, /v1/audit/verify): no
 * read model, the events themselves up to the point in time asked for.
 */
@Injectable()
export class AuditLogQuery {
  constructor(
    private readonly events: EventStore,
    private readonly verifier: AuditVerifier,
  ) {}

  /** The last position to include: the head, or the point in time asked for. */
  private async lastPosition(query: PointInTimeQuery): Promise<number> {
    const requested = await requestedPosition(this.events, query);
    const head = await this.events.headPosition();
    return requested === undefined ? head : Math.min(requested, head);
  }

  /** The raw log (auditor, admin): events from fromPosition up to the point in time asked for. */
  async auditEvents(query: PointInTimeQuery & { fromPosition?: string; limit?: string }): Promise<AuditEventsResponse> {
    const position = await this.lastPosition(query);
    const fromPosition = parsePosition(query.fromPosition, 'fromPosition', {
      code: 'invalid-from-position',
      message: 'fromPosition must be a whole number',
      hint: 'E.g. fromPosition=1.',
    });
    const from = Math.max(1, fromPosition ?? 1);
    const limit = parseLimit(query.limit);
    const items: AuditEventsResponse['items'] = [];
    // Positions are opaque cursors (gaps on EventStoreDB and PostgreSQL): the
    // next page starts at the position of the first event not on this page,
    // read one past the limit, never at "last + 1".
    let nextPosition: number | null = null;
    if (from <= position) {
      try {
        for await (const e of this.events.readAll({
          fromPosition: from,
          toPosition: position,
          maxCount: limit + 1,
          pageSize: limit + 1,
        })) {
          if (items.length === limit) {
            nextPosition = e.position;
            break;
          }
          items.push(rawEvent(e));
        }
      } catch (e) {
        if (e instanceof InvalidPosition) {
          throw new ValidationError('invalid-from-position', `fromPosition ${from} is not the position of an event in this log`, {
            field: 'fromPosition',
            hint: 'Use 1 for the start, an event position, or the nextPosition of the previous page.',
          });
        }
        throw e;
      }
    }
    return { position, items, nextPosition };
  }

  /**
   * Verifies the log up to the point in time: every stream's hash chain and
   * every payout run recomputed from the events (the audit lib's ledger
   * audit, the same code the offline verifier runs), in one pass on a worker
   * thread, with bounded concurrency (AuditVerifier).
   */
  async verify(query: PointInTimeQuery): Promise<AuditVerifyResponse> {
    const position = await this.lastPosition(query);
    const result = await this.verifier.verify(this.events, position);
    return { ok: result.ok, position, checkedEvents: result.checkedEvents, problems: result.problems, summary: result.summary };
  }
}

function rawEvent(e: RecordedEvent) {
  return {
    position: e.position,
    id: e.id,
    streamName: e.streamName,
    revision: e.revision,
    type: e.type,
    time: e.metadata.recordedAt,
    data: e.data,
    metadata: e.metadata as unknown as Record<string, unknown>,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
