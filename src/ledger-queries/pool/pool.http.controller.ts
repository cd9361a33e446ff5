import { Controller, Get, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { withContentEtag } from '../../http/etag';
import { ApiPointInTime, POINT_IN_TIME_NOTE, PointInTimeParams, type PointInTimeParamValues } from '../../http/point-in-time.params';
import { PoolQuery } from './pool.query';
import { PoolResponse } from './pool.response.dto';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';

@ApiTags('ledger')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class PoolHttpController {
  constructor(private readonly query: PoolQuery) {}

  @Get('pool')
  @ApiOperation({
    summary:
      "The contribution pool: ΣT and every contributor's tokens and ratio (any role; datasets only your own). With consumerId: the pool that consumer pays for (issue #14): eligible tokens under its agreement's scope and ratios of ΣT_c (admin, auditor, contributors, the consumer itself; another consumer's is 404). " +
      POINT_IN_TIME_NOTE,
  })
  @ApiQuery({
    name: 'consumerId',
    required: false,
    description: "A consumer: answer its eligible pool (its scope's tokens) instead of the whole pool.",
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
    @Query('consumerId') consumerId?: string,
  ): Promise<PoolResponse | undefined> {
    if (consumerId !== undefined) return withContentEtag(req, res, await this.query.eligiblePool(p, consumerId, at));
    return withContentEtag(req, res, await this.query.pool(p, { ...at, includeDatasets }));
  }
}
