export * from './dataset-format';
export * from './dataset-format.error';
export * from './read-limits';
export { readDocuments, DocumentReader, DatasetSource, DatasetDocument, SkippedRecord, ReadSummary, ReadOptions } from './read-documents';
export type { TextSplit } from './txt.reader';
