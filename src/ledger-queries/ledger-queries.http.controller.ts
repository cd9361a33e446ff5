import { Controller, Get, HttpStatus, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { contentEtag, ifNoneMatchHits, setEtag } from '../http/etag';
import { ApiPointInTime, PointInTimeParams, type PointInTimeParamValues } from '../http/point-in-time.params';
import {
  AuditEventsResponse,
  AuditTrailPage,
  AuditVerifyResponse,
  ContributorMetricsResponse,
  ContributorPayoutsPage,
  PayoutRunResponse,
  PoolResponse,
  RevenueListPage,
  RevenueResponse,
} from './ledger-queries.response.dto';
import { LedgerQueries } from './ledger-queries.service';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';

const PIT_NOTE =
  'Point in time: asOf (ISO-8601 date-time with zone, not in the future) or atPosition (log position), not both (400). The answer reflects min(asked, what the read models have applied); `position` says which.';

/** Entity reads carry a content ETag; a matching If-None-Match gets 304. */
function withEtag<T>(req: Request, res: Response, body: T): T | undefined {
  const etag = contentEtag(body);
  setEtag(res, etag);
  if (ifNoneMatchHits(req, etag)) {
    res.status(HttpStatus.NOT_MODIFIED);
    return undefined;
  }
  return body;
}

/**
 * The ledger's GET routes. Scope: contributor routes answer 403 when a
 * contributor (or consumer) asks for another contributor (contributor ids
 * are public in the pool, so existence is not hidden); revenue and payout
 * runs answer 404 to a consumer who did not fund them (their existence is
 * the other consumer's business).
 */
@ApiTags('ledger')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class LedgerQueriesHttpController {
  constructor(private readonly queries: LedgerQueries) {}

  @Get('pool')
  @ApiOperation({
    summary: "The contribution pool: ΣT and every contributor's tokens and ratio (any role; datasets only your own). " + PIT_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiQuery({
    name: 'includeDatasets',
    required: false,
    description: 'admin/auditor: "true" adds each entry\'s datasets and their tokens.',
  })
  @ApiOkResponse({ type: PoolResponse })
  async pool(
    @CurrentPrincipal() p: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('includeDatasets') includeDatasets?: string,
  ): Promise<PoolResponse | undefined> {
    return withEtag(req, res, await this.queries.pool(p, { ...at, includeDatasets }));
  }

  @Get('contributors/:id/metrics')
  @ApiOperation({
    summary:
      "A contributor's metrics: contribution ratio, tokens, current revenue, expected payout, paid out, balance (own only; auditor/admin all). " +
      PIT_NOTE,
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
    return withEtag(req, res, await this.queries.metrics(p, id, at));
  }

  @Get('contributors/:id/payouts')
  @ApiOperation({
    summary: "A contributor's payouts in log order: allocations of payout runs and settlements (own only; auditor/admin all). " + PIT_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: ContributorPayoutsPage })
  async payouts(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<ContributorPayoutsPage> {
    return this.queries.payouts(p, id, at);
  }

  @Get('contributors/:id/audit-trail')
  @ApiOperation({
    summary:
      'The events that touched this contributor, each with position, type, time, data and hash (own only; auditor/admin all). ' + PIT_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: AuditTrailPage })
  async auditTrail(
    @Param('id') id: string,
    @CurrentPrincipal() p: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<AuditTrailPage> {
    return this.queries.auditTrail(p, id, at);
  }

  @Get('revenue')
  @Roles('consumer', 'auditor', 'admin')
  @ApiOperation({
    summary:
      "Revenue reports in the order they were reported, each with its payout run summary (consumer: own only; auditor/admin: all, or one consumer's with consumerId). " +
      PIT_NOTE,
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
    return this.queries.revenueList(p, { ...at, consumerId });
  }

  @Get('revenue/:revenueId')
  @Roles('consumer', 'auditor', 'admin')
  @ApiOperation({
    summary: 'A revenue report and its payout run summary (consumer: own only, 404 otherwise; auditor/admin all). ' + PIT_NOTE,
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
    return withEtag(req, res, await this.queries.revenue(p, revenueId, at));
  }

  @Get('payout-runs/:revenueId')
  @ApiOperation({
    summary:
      'The payout run of a revenue report: 404 until it exists. Consumer who funded it, auditor, admin: every allocation (paginated). Contributor: the summary and their own allocation only. Other consumers: 404. ' +
      PIT_NOTE,
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
    return withEtag(req, res, await this.queries.payoutRun(p, revenueId, at));
  }

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
    return this.queries.auditEvents({ fromPosition, limit: at.limit, asOf: at.asOf, atPosition: at.atPosition });
  }

  @Get('audit/verify')
  @Roles('auditor', 'admin')
  @ApiOperation({
    summary: 'Verifies every hash chain and recomputes every payout run from the log (up to asOf/atPosition when given) (auditor, admin).',
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: AuditVerifyResponse })
  async verify(@PointInTimeParams() at: PointInTimeParamValues): Promise<AuditVerifyResponse> {
    return this.queries.verify({ asOf: at.asOf, atPosition: at.atPosition });
  }
}
