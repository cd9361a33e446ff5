import { Controller, Get, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { ValidationError } from '@1tt/domain-errors';
import { CurrentPrincipal, Roles } from '../../auth/auth.decorators';
import { withContentEtag } from '../../http/etag';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { ContributorMetricsResponse, ContributorPayoutsPage, PayablesPage } from './accounts.response.dto';
import { ContributorMetricsQuery } from './contributor-metrics.query';
import { ContributorPayoutsQuery } from './contributor-payouts.query';
import { payablesCsv, PayablesQuery } from './payables.query';
import { PartyNames } from '../../directory/party-names.interceptor';
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
    private readonly payablesQuery: PayablesQuery,
    private readonly names: PartyNames,
  ) {}

  @Get('payables')
  @Roles('admin', 'auditor')
  @ApiOperation({
    operationId: 'listPayables',
    summary:
      'Who is owed what: per contributor and currency, allocated, paid out, balance, payable and recoverable (admin, auditor). Contributors with a non-zero balance; includeSettled=true adds the others; currency=EUR keeps one currency. format=csv: every row at one position as RFC 4180 CSV. ' +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiQuery({ name: 'currency', required: false, description: 'ISO 4217 code: only this currency.' })
  @ApiQuery({ name: 'includeSettled', required: false, description: '"true": also contributors whose balance is zero.' })
  @ApiQuery({ name: 'format', required: false, enum: ['json', 'csv'] })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: PayablesPage })
  async payables(
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('currency') currency?: string,
    @Query('includeSettled') includeSettled?: string,
    @Query('format') format?: string,
  ): Promise<PayablesPage | string> {
    if (format !== undefined && format !== '' && format !== 'json' && format !== 'csv') {
      throw new ValidationError('payables-format-unknown', 'format must be json or csv', { field: 'format', hint: 'E.g. format=csv.' });
    }
    if (format !== 'csv') return this.payablesQuery.page({ ...at, currency, includeSettled });
    const all = await this.payablesQuery.all({ ...at, currency, includeSettled });
    const known = await this.names.lookup(all.items.map((r) => r.contributorId));
    res.setHeader('Content-Type', 'text/csv; charset=utf-8; header=present');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="payables-at-${all.position}${currency ? `-${currency.toUpperCase()}` : ''}.csv"`,
    );
    return payablesCsv(all, new Map(all.items.map((r) => [r.contributorId, known.get(r.contributorId)?.displayName ?? null])));
  }

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
