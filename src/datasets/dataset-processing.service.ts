import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BlobStore } from '@1tt/blob-store';
import type { AppConfig } from '@1tt/config';
import { DatasetProcessor, createFormatSource, type DatasetProgress } from '@1tt/dataset-processing';
import { EventStore } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';

export const DATASETS_OPTIONS = Symbol('DATASETS_OPTIONS');

export interface DatasetsModuleOptions {
  /**
   * Run the preprocessing job runner in this process (default true: the
   * single-process set-up). False when apps/worker processes do the work;
   * progress is then not visible through this process.
   */
  processDatasets?: boolean;
}

/**
 * The job runner inside the API process: started after the app is up,
 * stopped before the stores close (onModuleDestroy runs before the store
 * registry's onApplicationShutdown). Stopping abandons the dataset in hand;
 * the next start redoes it from scratch.
 */
@Injectable()
export class DatasetProcessingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Datasets');
  readonly processor?: DatasetProcessor;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(DATASETS_OPTIONS) options: DatasetsModuleOptions,
    events: EventStore,
    blobs: BlobStore,
  ) {
    if (options.processDatasets === false) return;
    this.processor = new DatasetProcessor({
      events,
      blobs,
      openSource: createFormatSource({ tmpDir: config.dataDir }),
      workerThreads: config.workerThreads,
      tmpDir: config.dataDir,
      actor: 'system:dataset-processor',
      logger: { log: (m) => this.logger.log(m), error: (m, e) => this.logger.error(`${m}: ${e instanceof Error ? e.stack : String(e)}`) },
    });
  }

  onApplicationBootstrap(): void {
    this.processor?.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.processor?.stop();
  }

  progress(datasetId: string): DatasetProgress | undefined {
    return this.processor?.progress(datasetId);
  }
}
