import { Controller, Get, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { withContentEtag } from '../../http/etag';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { PayoutRunQuery } from './payout-run.query';
import { RevenueQuery } from './revenue.query';
import { PayoutRunResponse, RevenueListPage, RevenueResponse } from './revenue.response.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

/**
 * Revenue reports and payout runs. Scope: they answer 404 to a consumer
 * who did not fund them (their existence is the other consumer's business).
 */
@ApiTags('ledger')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class RevenueHttpController {
  constructor(
    private readonly revenueQuery: RevenueQuery,
    private readonly payoutRunQuery: PayoutRunQuery,
  ) {}

  @Get('revenue')
  @Roles('consumer', 'auditor', 'admin')
  @ApiOperation({
    summary:
      "Revenue reports in the order they were reported, each with its payout run summary (consumer: own only; auditor/admin: all, or one consumer's with consumerId). " +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiQuery({
    name: 'consumerId',
    required: false,
    description: "Only this consumer's reports (a consumer may name only itself: 403 otherwise).",
  })
  @ApiOkResponse({ type: RevenueListPage })
  async revenueList(
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('consumerId') consumerId?: string,
  ): Promise<RevenueListPage> {
    return this.revenueQuery.revenueList(p, { ...at, consumerId });
  }

  @Get('revenue/:revenueId')
  @Roles('consumer', 'auditor', 'admin')
  @ApiOperation({
    summary: 'A revenue report and its payout run summary (consumer: own only, 404 otherwise; auditor/admin all). ' + POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: RevenueResponse })
  @ApiNotFoundResponse({ description: 'No such report (at that point in time), or not yours.' })
  async revenue(
    @Param('revenueId') revenueId: string,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<RevenueResponse | undefined> {
    return withContentEtag(req, res, await this.revenueQuery.revenue(p, revenueId, at));
  }

  @Get('payout-runs/:revenueId')
  @ApiOperation({
    summary:
      'The payout run of a revenue report: 404 until it exists. Consumer who funded it, auditor, admin: every allocation (paginated). Contributor: the summary and their own allocation only. Other consumers: 404. ' +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: PayoutRunResponse })
  async payoutRun(
    @Param('revenueId') revenueId: string,
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<PayoutRunResponse | undefined> {
    return withContentEtag(req, res, await this.payoutRunQuery.payoutRun(p, revenueId, at));
  }
}
