export * from './dataset-events';
export * from './dataset-log';
export * from './dataset-report';
export * from './dataset-analysis';
export * from './dataset-job';
export * from './dataset-processor';
export * from './dedup-pool';
export * from './document-source';
export { DocumentWorkerPool, DocumentBatchError, type DocumentWorkerPoolOptions } from './document-worker.pool';
export { ManifestRootAccumulator } from './manifest-root.accumulator';
export * from './dataset-reprocess';
export * from './blob-document.source';
export * from './dataset-claims.port';
export * from './dataset-claims.factory';
export { SqliteDatasetClaims, type SqliteDatasetClaimsOptions } from './sqlite-dataset-claims.adapter';
export { PostgresDatasetClaims, type PostgresDatasetClaimsOptions } from './postgres-dataset-claims.adapter';
export {
  EventStoreDbDatasetClaims,
  DATASET_WORKERS_GROUP,
  type EventStoreDbDatasetClaimsOptions,
} from './eventstoredb-dataset-claims.adapter';
export * from './dataset-progress';
export * from './dataset-processing.setup';
export * from './dataset-decision';
export { isInfrastructureError, PROCESSING_ERROR_MESSAGE } from './analysis-failures';
