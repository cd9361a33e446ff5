import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { withContentEtag } from '../../http/etag';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { ReputationQuery } from './reputation.query';
import { ReputationResponse } from './reputation.response.dto';

@ApiTags('ledger')
@Controller('v1')
export class ReputationHttpController {
  constructor(private readonly query: ReputationQuery) {}

  @Get('contributors/:id/reputation')
  @ApiOperation({
    operationId: 'getContributorReputation',
    summary:
      "A contributor's reputation: score in [0, 1] and its components (kept-token ratio, duplicates, rejected uploads, withdrawals, exclusions, request fulfilment, tenure), token-weighted and decayed, computed from events only; `1tt audit reputation` recomputes it (own only; auditor/admin all; 404 before the contributor is registered). " +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: ReputationResponse })
  async reputation(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<ReputationResponse | undefined> {
    return withContentEtag(req, res, await this.query.reputation(p, id, at));
  }
}
