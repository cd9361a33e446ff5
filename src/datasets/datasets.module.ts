import { DynamicModule, Module } from '@nestjs/common';
import { BlobStore } from '@1tt/blob-store';
import type { AppConfig } from '@1tt/config';
import { EventStore } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';
import { DatasetProcessingService, DATASETS_OPTIONS, type DatasetsModuleOptions } from './dataset-processing.service';
import { DatasetUploadService } from './dataset-upload.service';
import { DatasetsHttpController } from './datasets.http.controller';
import { DatasetReadModelService } from './read-model/dataset-read-model.service';
import { DatasetReadHttpController } from './read-model/dataset-read.http.controller';
import { DatasetQueries } from './read-model/dataset.query';

/**
 * Uploads, the preprocessing job runner, the datasets read model and its
 * routes (the read side in read-model/: projection, query, response DTOs,
 * GET routes). The stores come from the global StoresModule (ports as tokens).
 */
@Module({})
export class DatasetsModule {
  static register(options: DatasetsModuleOptions = {}): DynamicModule {
    return {
      module: DatasetsModule,
      controllers: [DatasetsHttpController, DatasetReadHttpController],
      providers: [
        { provide: DATASETS_OPTIONS, useValue: options },
        DatasetProcessingService,
        DatasetReadModelService,
        {
          provide: DatasetQueries,
          inject: [DatasetReadModelService, BlobStore, DatasetProcessingService],
          useFactory: (rm: DatasetReadModelService, blobs: BlobStore, processing: DatasetProcessingService) =>
            new DatasetQueries(rm.store, blobs, (id) => processing.progress(id)),
        },
        {
          provide: DatasetUploadService,
          inject: [APP_CONFIG, EventStore, BlobStore, DatasetQueries],
          useFactory: (config: AppConfig, events: EventStore, blobs: BlobStore, queries: DatasetQueries) =>
            new DatasetUploadService({
              events,
              blobs,
              maxBytes: config.uploadMaxBytes,
              timeoutMs: config.uploadTimeoutSeconds * 1000,
              identicalFile: (sha) => queries.identicalFile(sha),
            }),
        },
      ],
      exports: [DatasetQueries, DatasetProcessingService],
    };
  }
}
