import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BlobStore } from '@1tt/blob-store';
import type { AppConfig } from '@1tt/config';
import { DatasetProcessor, createDatasetClaims, createFormatSource, type DatasetProgress } from '@1tt/dataset-processing';
import { EventStore } from '@1tt/event-store';
import { APP_CONFIG } from '../config/app-config.token';

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
 * same log through the claims chosen from EVENT_STORE_URL.
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
  ) {
    this.enabled = options.processDatasets !== false;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    const config = this.config;
    const claims = await createDatasetClaims({
      eventStoreUrl: config.eventStore.url,
      dataDir: config.dataDir,
      leaseSeconds: config.datasetClaimLeaseSeconds,
    });
    this.processor = new DatasetProcessor({
      events: this.events,
      blobs: this.blobs,
      openSource: createFormatSource({ tmpDir: config.dataDir }),
      workerThreads: config.workerThreads,
      tmpDir: config.dataDir,
      actor: 'system:dataset-processor',
      claims,
      progressEveryMs: config.datasetProgressSeconds * 1000,
      takeoverAfterMs: config.datasetTakeoverSeconds === 0 ? false : config.datasetTakeoverSeconds * 1000,
      maxAttempts: config.datasetMaxAttempts,
      budget: {
        maxDocuments: config.datasetMaxDocuments,
        maxDecompressedBytes: config.datasetMaxDecompressedBytes,
        maxAnalysisMs: config.datasetMaxAnalysisSeconds * 1000,
      },
      analysisConcurrency: config.datasetAnalysisConcurrency,
      logger: { log: (m) => this.logger.log(m), error: (m, e) => this.logger.error(`${m}: ${e instanceof Error ? e.stack : String(e)}`) },
    });
    this.processor.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.processor?.stop();
  }

  progress(datasetId: string): DatasetProgress | undefined {
    return this.processor?.progress(datasetId);
  }
}
