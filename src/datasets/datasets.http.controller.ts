import { Controller, Delete, HttpCode, Param, Post, Req, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import type { Principal } from '@1tt/access';
import { EventStore } from '@1tt/event-store';
import { CurrentPrincipal, Roles } from '../auth/auth.decorators';
import { DatasetReadModelService } from './read-model/dataset-read-model.service';
import { viewerOf } from './read-model/dataset.query';
import { DatasetUploadService, type UploadAccepted } from './dataset-upload.service';
import { withdrawDataset } from './dataset-withdraw.handler';
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
  ) {}

  @Post('datasets')
  @LocationOf('/v1/datasets/{datasetId}')
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

  @Delete('datasets/:id')
  @ApiOperation({
    summary:
      "Withdraw an accepted dataset (its owner only, per the ledger's rule): it leaves the pool for future revenue and stops blocking later uploads; 409 unless accepted.",
  })
  async withdraw(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<{ datasetId: string; status: 'withdrawn' }> {
    return withdrawDataset(this.events, id, viewerOf(principal));
  }
}
