import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Roles } from '../../auth/auth.decorators';
import { ApiPointInTime, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { AuditLogQuery } from './audit-log.query';
import { AuditEventsResponse, AuditVerifyResponse } from './audit-log.response.dto';

@ApiTags('ledger')
@Controller('v1')
export class AuditLogHttpController {
  constructor(private readonly query: AuditLogQuery) {}

  @Get('audit/events')
  @Roles('auditor', 'admin')
  @ApiOperation({ summary: 'The raw log with hashes, in position order (auditor, admin). asOf/atPosition bound the last position.' })
  @ApiQuery({ name: 'fromPosition', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1..1000.' })
  @ApiPointInTime()
  @ApiOkResponse({ type: AuditEventsResponse })
  async auditEvents(
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('fromPosition') fromPosition?: string,
  ): Promise<AuditEventsResponse> {
    return this.query.auditEvents({ fromPosition, limit: at.limit, asOf: at.asOf, atPosition: at.atPosition });
  }

  @Get('audit/verify')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary:
      'Verifies every hash chain and recomputes every payout run from the log (up to asOf/atPosition when given) (auditor, admin). ' +
      'Runs on a worker thread; at most AUDIT_VERIFY_CONCURRENCY at once and AUDIT_VERIFY_QUEUE waiting (503 beyond, with Retry-After).',
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: AuditVerifyResponse })
  @ApiServiceUnavailableResponse({ description: 'audit-verify-busy: as many verifications run and wait as allowed (Retry-After).' })
  async verify(@PointInTimeParams() at: PointInTimeParamValues): Promise<AuditVerifyResponse> {
    return this.query.verify({ asOf: at.asOf, atPosition: at.atPosition });
  }
}
