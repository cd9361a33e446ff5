export * from './dataset-events';
export * from './dataset-log';
export * from './dataset-report';
export * from './dataset-job';
export * from './dataset-processor';
export * from './dedup-pool';
export * from './document-source';
export { DocumentWorkerPool, DocumentBatchError, type DocumentWorkerPoolOptions } from './document-worker.pool';
export { ManifestRootAccumulator } from './manifest-root.accumulator';
