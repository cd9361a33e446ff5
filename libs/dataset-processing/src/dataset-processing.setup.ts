import type { BlobStore } from '@1tt/blob-store';
import type { AppConfig } from '@1tt/config';
import type { EventStore } from '@1tt/event-store';
import { createDatasetClaims } from './dataset-claims.factory';
import { DatasetProcessor, type ProcessorLogger } from './dataset-processor';
import { createFormatSource } from './blob-document.source';

export interface DatasetProcessingDeps {
  events: EventStore;
  blobs: BlobStore;
  /** Who appends the decisions: "system:dataset-processor" in the API process, "system:worker:<pid>" in apps/worker. */
  actor: string;
  logger: ProcessorLogger;
}

/**
 * The one set-up of dataset processing from the service's configuration:
 * the API process (PROCESS_DATASETS, DatasetProcessingService) and
 * apps/worker both start their DatasetProcessor here, so they share
 * datasets on one log with the same claims, budgets and limits.
 */
export async function startDatasetProcessing(config: AppConfig, deps: DatasetProcessingDeps): Promise<DatasetProcessor> {
  const claims = await createDatasetClaims({
    eventStoreUrl: config.eventStore.url,
    dataDir: config.dataDir,
    leaseSeconds: config.datasetClaimLeaseSeconds,
  });
  const processor = new DatasetProcessor({
    events: deps.events,
    blobs: deps.blobs,
    openSource: createFormatSource({ tmpDir: config.dataDir }),
    workerThreads: config.workerThreads,
    tmpDir: config.dataDir,
    actor: deps.actor,
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
    logger: deps.logger,
  });
  processor.start();
  return processor;
}
