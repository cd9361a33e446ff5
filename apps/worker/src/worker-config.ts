import { loadConfig, type EnvRecord } from '@1tt/config';

export interface WorkerConfig {
  dataDir: string;
  eventStoreUrl: string;
  /** 'esdb': datasets are shared through a persistent subscription; 'postgres': through leases in its dataset_claims table; 'sqlite': through leases in DATA_DIR/claims.db. */
  eventStoreKind: 'sqlite' | 'esdb' | 'postgres';
  blobStoreUrl: string;
  workerThreads: number;
  datasetClaimLeaseSeconds: number;
  datasetProgressSeconds: number;
  datasetTakeoverSeconds: number;
  datasetMaxAttempts: number;
  datasetMaxDocuments: number;
  datasetMaxDecompressedBytes: number;
  datasetMaxAnalysisSeconds: number;
  datasetAnalysisConcurrency: number;
}

/**
 * The worker's settings: the service's one configuration schema (same
 * variable names and validation as the API process; the HTTP ones are
 * ignored here).
 */
export function workerConfig(env: EnvRecord): WorkerConfig {
  const c = loadConfig(env);
  return {
    dataDir: c.dataDir,
    eventStoreUrl: c.eventStore.url,
    eventStoreKind: c.eventStore.kind,
    blobStoreUrl: c.blobStore.url,
    workerThreads: c.workerThreads,
    datasetClaimLeaseSeconds: c.datasetClaimLeaseSeconds,
    datasetProgressSeconds: c.datasetProgressSeconds,
    datasetTakeoverSeconds: c.datasetTakeoverSeconds,
    datasetMaxAttempts: c.datasetMaxAttempts,
    datasetMaxDocuments: c.datasetMaxDocuments,
    datasetMaxDecompressedBytes: c.datasetMaxDecompressedBytes,
    datasetMaxAnalysisSeconds: c.datasetMaxAnalysisSeconds,
    datasetAnalysisConcurrency: c.datasetAnalysisConcurrency,
  };
}
