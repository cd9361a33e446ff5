/**
 * The dataset events this lib reads and writes (stream `dataset-<id>`).
 * Names and fields follow the catalogue in ARCHITECTURE.md. They are
 * declared here because @1tt/ledger's catalogue had not landed when this
 * lib was written; once it has, these should become re-exports of it.
 */
export const DATASET_STREAM_PREFIX = 'dataset-';
export const datasetStream = (datasetId: string): string => `${DATASET_STREAM_PREFIX}${datasetId}`;

export type DatasetKind = 'contribution' | 'reference';

export interface DatasetUploadedData {
  datasetId: string;
  /** 'reference': a consumer's corpus (earns nothing, never shown to contributors). */
  kind: DatasetKind;
  contributorId?: string;
  consumerId?: string;
  fileName: string;
  format: string;
  compression: string;
  textField: string;
  sizeBytes: number;
  sha256: string;
  blobRef: string;
}

export interface DatasetPreprocessedData {
  datasetId: string;
  pipeline: { name: string; version: string; configHash: string };
  documentsIn: number;
  documentsKept: number;
  removed: Record<string, number>;
  duplicatesOfEarlier: number;
  duplicatesWithinDataset: number;
  manifestRoot: string;
  reportBlobRef: string;
  /** Log position of the upload: the pool it was judged against is the pool as of this position. */
  poolPosition: number;
}

export interface DatasetTokensCountedData {
  datasetId: string;
  tokenizer: string;
  tokens: number;
}

export interface DatasetAcceptedData {
  datasetId: string;
}

export interface DatasetRejectedData {
  datasetId: string;
  /** Stable code: a reader's RejectionReason, 'no_documents_kept' or 'processing_error'. */
  reason: string;
  message?: string;
  line?: number;
  byteOffset?: number;
  row?: number;
}

export interface DatasetWithdrawnData {
  datasetId: string;
}

export type DatasetEvent =
  | { type: 'DatasetUploaded'; data: DatasetUploadedData }
  | { type: 'DatasetPreprocessed'; data: DatasetPreprocessedData }
  | { type: 'DatasetTokensCounted'; data: DatasetTokensCountedData }
  | { type: 'DatasetAccepted'; data: DatasetAcceptedData }
  | { type: 'DatasetRejected'; data: DatasetRejectedData }
  | { type: 'DatasetWithdrawn'; data: DatasetWithdrawnData };

export const DATASET_EVENT_TYPES: ReadonlyArray<DatasetEvent['type']> = [
  'DatasetUploaded',
  'DatasetPreprocessed',
  'DatasetTokensCounted',
  'DatasetAccepted',
  'DatasetRejected',
  'DatasetWithdrawn',
];
