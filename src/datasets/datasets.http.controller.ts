import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { parseCursor, parseLimit, requestedPosition as pointInTime } from '../http/point-in-time.params';
import { DatasetQueries, type DatasetResponse, type ReportPage, type Viewer } from './dataset-queries.service';
import { DatasetReadModelService } from './dataset-read-model.service';
import { DatasetUploadService, type UploadAccepted } from './dataset-upload.service';
import { withdrawDataset } from './dataset-withdraw.handler';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';

const viewer = (p: Principal): Viewer => ({ role: p.role, id: p.subjectId });

@ApiTags('datasets')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class DatasetsHttpController {
  constructor(
    private readonly uploads: DatasetUploadService,
    private readonly queries: DatasetQueries,
    private readonly readModel: DatasetReadModelService,
    private readonly events: EventStore,
  ) {}

  @Post('datasets')
  @HttpCode(202)
  @Roles('contributor', 'admin')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Upload a dataset (multipart: file; optional textField, default "text"; optional split for .txt: document (default, the whole file), paragraph (blank-line separated) or line; admin: contributorId, or kind=reference + consumerId for a consumer reference corpus). Streams to the blob store; 413 past UPLOAD_MAX_BYTES; 409 when identical bytes are already in the pool.',
  })
  @ApiAcceptedResponse({ description: '{ datasetId, status: "processing" }' })
  async upload(@Req() req: Request, @CurrentPrincipal() principal: Principal): Promise<UploadAccepted> {
    await this.readModel.catchUp();
    return this.uploads.upload(req, { role: principal.role, id: principal.subjectId });
  }

  @Get('datasets/:id')
  @ApiOperation({
    summary:
      'A dataset: status, counts, tokens, pipeline, progress while processing. Contributors see only their own. asOf/atPosition for the past.',
  })
  async get(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ): Promise<DatasetResponse> {
    const at = await pointInTime(this.events, { asOf, atPosition });
    await this.readModel.catchUp();
    return this.queries.get(id, viewer(principal), at);
  }

  @Get('datasets/:id/report')
  @ApiOperation({
    summary:
      'Per-document report: {items: [{index, kept, reason?, detail?, explanation?, block?, tokens, language?, languageScore?, contentClass?, member?}], nextCursor}; filter by reason (or "kept"). explanation says in plain words which rule removed the document and by how much; language (lid.176) and contentClass are set by pipeline v2. Never says whose document a duplicate copies.',
  })
  async report(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('reason') reason?: string,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ): Promise<ReportPage> {
    const at = await pointInTime(this.events, { asOf, atPosition });
    await this.readModel.catchUp();
    return this.queries.report(id, viewer(principal), { cursor, limit: parseLimit(limit), reason, atPosition: at });
  }

  @Delete('datasets/:id')
  @ApiOperation({
    summary:
      "Withdraw an accepted dataset (its owner only, per the ledger's rule): it leaves the pool for future revenue and stops blocking later uploads; 409 unless accepted.",
  })
  async withdraw(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<{ datasetId: string; status: 'withdrawn' }> {
    return withdrawDataset(this.events, id, viewer(principal));
  }

  @Get('contributors/:id/datasets')
  @ApiOperation({ summary: "A contributor's datasets in upload order, paginated (cursor, limit). Contributors see only their own." })
  async list(
    @Param('id') id: string,
    @CurrentPrincipal() principal: Principal,
    @Query('cursor') cursor?: string,
    @Query('limit') limit?: string,
    @Query('asOf') asOf?: string,
    @Query('atPosition') atPosition?: string,
  ) {
    const at = await pointInTime(this.events, { asOf, atPosition });
    await this.readModel.catchUp();
    return this.queries.list(id, viewer(principal), { after: parseCursor(cursor), limit: parseLimit(limit), atPosition: at });
  }
}
