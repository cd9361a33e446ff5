import { Body, Controller, Delete, HttpCode, Param, Post, Put, Req, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BlobStore } from '@1tt/blob-store';
import type { Request } from 'express';
import type { Principal } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { DatasetReadModelService } from './read-model/dataset-read-model.service';
import { viewerOf } from './read-model/dataset.query';
import { DatasetUploadService, type UploadAccepted } from './dataset-upload.service';
import { withdrawDataset } from './dataset-withdraw.handler';
import { changeDatasetConsent, excludeDocuments, type DatasetConsentView, type DocumentsExcludedView } from './dataset-consent.handler';
import {
  DatasetConsentRequest,
  DatasetConsentResponse,
  ExcludeDocumentsRequest,
  DocumentsExcludedResponse,
} from './dataset-consent.request.dto';
import { PartyNamesInterceptor } from '../directory/party-names.interceptor';
import { LocationOf } from '../http/created-location';

/** The datasets write side's routes: upload and withdraw (the GET routes are in read-model/). */
@ApiTags('datasets')
@UseInterceptors(PartyNamesInterceptor)
@Controller('v1')
export class DatasetsHttpController {
  constructor(
    private readonly uploads: DatasetUploadService,
    private readonly readModel: DatasetReadModelService,
    private readonly events: EventStore,
    private readonly blobs: BlobStore,
  ) {}

  @Post('datasets')
  @LocationOf('/v1/datasets/{datasetId}')
  @HttpCode(202)
  @Roles('contributor', 'admin')
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary:
      'Upload a dataset (multipart: file, named .txt, .md, .jsonl, .csv or .parquet, optionally .gz or .zst, or an archive .tar, .tar.gz/.tgz, .tar.zst/.tzst or .zip whose text members are read one by one (.jsonl/.csv members as their format; the report names each `member`; links, `..` paths, encrypted, nested-archive and binary members are counted skips); optional textField, default "text"; optional split for .txt: document (default, the whole file), paragraph (blank-line separated) or line; optional licence: one SPDX identifier such as CC-BY-4.0, default LicenseRef-1tt-contributor-grant-1 (the platform grant); optional uses: training,evaluation,retrieval (comma-separated), default the contributor\'s default consent, else training; admin: contributorId, or kind=reference + consumerId for a consumer reference corpus; optional requestId: the open data request it answers, whose matching documents are credited to it, see requestCredit). Streams to the blob store; 413 past UPLOAD_MAX_BYTES; 409 when identical bytes are already in the pool.',
  })
  @ApiAcceptedResponse({ description: '{ datasetId, status: "processing" }' })
  async upload(@Req() req: Request, @CurrentPrincipal() principal: Principal): Promise<UploadAccepted> {
    await this.readModel.catchUp();
    return this.uploads.upload(req, { role: principal.role, id: principal.subjectId });
  }

  @Delete('datasets/:id')
  @ApiOperation({
    summary:
      "Withdraw an accepted dataset (its owner only, per the ledger's rule): it leaves the pool for future revenue and stops blocking later uploads; 409 unless accepted.",
  })
  async withdraw(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<{ datasetId: string; status: 'withdrawn' }> {
    return withdrawDataset(this.events, id, viewerOf(principal));
  }

  @Put('datasets/:id/consent')
  @Roles('contributor')
  @ApiOperation({
    operationId: 'setDatasetConsent',
    summary:
      'Change the uses a dataset grants (its owner only): {uses: [training | evaluation | retrieval]}. Applies from this log position: payout runs of revenue reported before it stand. The same uses again record nothing. 409 once rejected or withdrawn.',
  })
  @ApiBody({ type: DatasetConsentRequest })
  @ApiOkResponse({ type: DatasetConsentResponse })
  async consent(
    @Param('id') id: string,
    @Body() body: DatasetConsentRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DatasetConsentView> {
    return changeDatasetConsent(this.events, id, body?.uses, viewerOf(principal));
  }

  @Post('datasets/:id/exclusions')
  @HttpCode(200)
  @Roles('contributor')
  @ApiOperation({
    operationId: 'excludeDocuments',
    summary:
      "Opt documents out of every future use (the dataset's owner only, an accepted dataset): {indexes: [..]} as in the per-document report (kept documents only, at most 10,000 per request). Their tokens leave the pool from this log position, for every consumer; runs already made stand. 400 exclusion-not-kept, 409 exclusion-duplicate.",
  })
  @ApiBody({ type: ExcludeDocumentsRequest })
  @ApiOkResponse({ type: DocumentsExcludedResponse })
  async exclude(
    @Param('id') id: string,
    @Body() body: ExcludeDocumentsRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<DocumentsExcludedView> {
    return excludeDocuments(this.events, this.blobs, id, body?.indexes, viewerOf(principal));
  }
}
