import { Controller, Get, Param, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { AuditTrailQuery } from './audit-trail.query';
import { AuditTrailPage } from './audit-trail.response.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

@ApiTags('ledger')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class AuditTrailHttpController {
  constructor(private readonly query: AuditTrailQuery) {}

  @Get('contributors/:id/audit-trail')
  @ApiOperation({
    summary:
      'The events that touched this contributor, each with position, type, time, data and hash (own only; auditor/admin all). ' +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: AuditTrailPage })
  async auditTrail(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<AuditTrailPage> {
    return this.query.auditTrail(p, id, at);
  }
}
