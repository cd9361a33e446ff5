import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BlobStore } from '@1tt/blob-store';
import type { AppConfig } from '@1tt/config';
import { startDatasetProcessing, type DatasetProcessor, type DatasetProgress } from '@1tt/dataset-processing';
import { EventStore } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';
import { ProjectionRegistry } from '../stores/projection-registry';

export const DATASETS_OPTIONS = Symbol('DATASETS_OPTIONS');

export interface DatasetsModuleOptions {
  /**
   * Run the preprocessing job runner in this process (default true: the
   * single-process set-up; PROCESS_DATASETS in the config). False when
   * apps/worker processes do the work; progress then comes from the
   * DatasetProgressReported events they publish.
   */
  processDatasets?: boolean;
}

/**
 * The job runner inside the API process: started after the app is up,
 * stopped before the stores close (onModuleDestroy runs before the store
 * registry's onApplicationShutdown). Stopping abandons the dataset in hand;
 * the next start (or another process, once the claim is handed back) redoes
 * it from scratch. It shares datasets with apps/worker processes on the
 * same log through the claims chosen from EVENT_STORE_URL; both set the
 * processor up with startDatasetProcessing.
 */
@Injectable()
export class DatasetProcessingService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Datasets');
  processor?: DatasetProcessor;
  private readonly enabled: boolean;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATASETS_OPTIONS) options: DatasetsModuleOptions,
    private readonly events: EventStore,
    private readonly blobs: BlobStore,
    private readonly followers: ProjectionRegistry,
  ) {
    this.enabled = options.processDatasets !== false;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.processor = await startDatasetProcessing(this.config, {
      events: this.events,
      blobs: this.blobs,
      actor: 'system:dataset-processor',
      logger: { log: (m) => this.logger.log(m), error: (m, e) => this.logger.error(`${m}: ${e instanceof Error ? e.stack : String(e)}`) },
    });
    this.followers.follower(this.processor.follower);
  }

  async onModuleDestroy(): Promise<void> {
    await this.processor?.stop();
  }

  progress(datasetId: string): DatasetProgress | undefined {
    return this.processor?.progress(datasetId);
  }
}
