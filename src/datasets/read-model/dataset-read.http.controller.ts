import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@1tt/access';
import { CurrentPrincipal } from '../../auth/auth.decorators';
import { PartyNamesInterceptor } from '../../directory/party-names.interceptor';
import {
  ApiPointInTime,
  parseCursor,
  parseLimit,
  POINT_IN_TIME_NOTE,
  PointInTimeParams,
  type PointInTimeParamValues,
} from '../../http/point-in-time.params';
import { DatasetReadModelService } from './dataset-read-model.service';
import { DatasetQueries, viewerOf } from './dataset.query';
import { DatasetListPage, DatasetResponse, ReportPage } from './dataset.response.dto';

/** The datasets read side's GET routes; each answers at one log position and says which (`position`). */
@ApiTags('datasets')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class DatasetReadHttpController {
  constructor(
    private readonly queries: DatasetQueries,
    private readonly readModel: DatasetReadModelService,
  ) {}

  @Get('datasets/:id')
  @ApiOperation({
    summary:
      'A dataset: status, counts, tokens, pipeline, progress while processing. Contributors see only their own. ' + POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime()
  @ApiOkResponse({ type: DatasetResponse })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<DatasetResponse> {
    return this.queries.get(id, viewerOf(principal), await this.readModel.positionFor(at));
  }

  @Get('datasets/:id/report')
  @ApiOperation({
    summary:
      'Per-document report: {position, items: [{index, kept, reason?, detail?, explanation?, block?, tokens, language?, languageScore?, contentClass?, member?}], nextCursor}; filter by reason (or "kept"). explanation says in plain words which rule removed the document and by how much; language (lid.176) and contentClass are set by pipeline v2. Never says whose document a duplicate copies. ' +
      POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiQuery({ name: 'reason', required: false, description: 'Only documents removed for this reason, or "kept".' })
  @ApiOkResponse({ type: ReportPage })
  async report(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
    @Query('reason') reason?: string,
  ): Promise<ReportPage> {
    const readAt = await this.readModel.positionFor(at);
    return this.queries.report(id, viewerOf(principal), { cursor: parseCursor(at.cursor), limit: parseLimit(at.limit), reason }, readAt);
  }

  @Get('contributors/:id/datasets')
  @ApiOperation({
    summary: "A contributor's datasets in upload order, paginated (cursor, limit). Contributors see only their own. " + POINT_IN_TIME_NOTE,
  })
  @ApiPointInTime({ paginated: true })
  @ApiOkResponse({ type: DatasetListPage })
  async list(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @PointInTimeParams() at: PointInTimeParamValues,
  ): Promise<DatasetListPage> {
    const readAt = await this.readModel.positionFor(at);
    return this.queries.list(id, viewerOf(principal), { after: parseCursor(at.cursor), limit: parseLimit(at.limit) }, readAt);
  }
}
