import { Controller, Get, Param, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { withContentEtag } from '../../http/etag';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { ContributorMetricsResponse, ContributorPayoutsPage } from './accounts.response.dto';
import { ContributorMetricsQuery } from './contributor-metrics.query';
import { ContributorPayoutsQuery } from './contributor-payouts.query';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

/**
 * A contributor's money. Scope: 403 when a contributor (or consumer) asks
 * for another contributor (contributor ids are public in the pool, so
 * existence is not hidden).
 */
@ApiTags('ledger')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class AccountsHttpController {
  constructor(
    private readonly metricsQuery: ContributorMetricsQuery,
    private readonly payoutsQuery: ContributorPayoutsQuery,
  ) {}

  @Get('contributors/:id/metrics')
  @ApiOperation({
    summary:
      "A contributor's metrics: contribution ratio, tokens, current revenue, expected payout, paid out, balance (own only; auditor/admin all). " +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: ContributorMetricsResponse })
  async metrics(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<ContributorMetricsResponse | undefined> {
    return withContentEtag(req, res, await this.metricsQuery.metrics(p, id, at));
  }

  @Get('contributors/:id/payouts')
  @ApiOperation({
    summary:
      "A contributor's payouts in log order: allocations of payout runs and settlements (own only; auditor/admin all). " +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: ContributorPayoutsPage })
  async payouts(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<ContributorPayoutsPage> {
    return this.payoutsQuery.payouts(p, id, at);
  }
}
