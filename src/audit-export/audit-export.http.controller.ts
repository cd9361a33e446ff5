import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { exportLog } from '@1tt/audit';
import { EventStore } from '@1tt/event-store';
import { Roles } from '../auth/auth.decorators';
import {
  ApiPointInTime,
  parsePosition,
  PointInTimeParams,
  requestedPosition,
  type PointInTimeParamValues,
} from '../http/point-in-time.params';

export const LOG_HASH_TRAILER = '1tt-log-hash';
export const TO_POSITION_HEADER = '1tt-to-position';

/**
 * The audit export over HTTP, for an auditor who holds an API key and no
 * database access: the same NDJSON file `1tt audit export` writes from the
 * store (header line, then every event with its position and hashes),
 * streamed with back-pressure. `afterPosition` resumes a cut download; the
 * rolling log hash of the whole log up to the cut comes last, as the HTTP
 * trailer `1tt-log-hash` (what a signed checkpoint at that position signs).
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@Roles('auditor', 'admin')
export class AuditExportHttpController {
  constructor(private readonly events: EventStore) {}

  @Get('export')
  @ApiOperation({
    operationId: 'exportAuditLog',
    summary:
      'The whole event log as NDJSON (the `1tt audit verify` input), up to now or asOf/atPosition (auditor, admin). ' +
      'Resume a cut download with afterPosition = the last position you have and atPosition = the header’s toPosition. ' +
      'The log hash comes as the HTTP trailer 1tt-log-hash; `1tt audit export --url` checks it.',
  })
  @ApiPointInTime()
  @ApiQuery({
    name: 'afterPosition',
    required: false,
    description: 'Resume: only events after this position (the header still comes first).',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'application/x-ndjson: a header line, then one event per line in position order.' })
  async export(
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('afterPosition') afterPosition: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const toPosition = await requestedPosition(this.events, at);
    const after = afterPositionOf(afterPosition);
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Trailer', LOG_HASH_TRAILER);
    let aborted = false;
    res.on('close', () => (aborted = !res.writableFinished));
    try {
      const summary = await exportLog(this.events, res, { toPosition, afterPosition: after });
      res.addTrailers({ [LOG_HASH_TRAILER]: summary.logHash });
      res.end();
    } catch (e) {
      // Headers are gone: the client sees a cut stream (no trailer), which `1tt audit export --url` reports and resumes.
      if (!aborted) res.destroy(e as Error);
    }
  }
}

function afterPositionOf(value: string | undefined): number | undefined {
  return parsePosition(value, 'afterPosition', {
    code: 'invalid-position',
    message: 'afterPosition must be a log position (a whole number, 0 or more)',
    hint: 'The position of the last event line you already have, e.g. afterPosition=1234.',
  });
}
