/**
 * The dataset events are @1tt/ledger's catalogue (stream `dataset-<id>`);
 * this lib reads and writes them through the ledger's dataset decider.
 * Aliases for the data shapes it handles most.
 */
import type {
  DatasetAccepted,
  DatasetEvent,
  DatasetPreprocessed,
  DatasetRejected,
  DatasetTokensCounted,
  DatasetUploaded,
  DatasetWithdrawn,
} from '@1tt/ledger';

export type { DatasetEvent };
export type DatasetUploadedData = DatasetUploaded['data'];
export type DatasetPreprocessedData = DatasetPreprocessed['data'];
export type DatasetTokensCountedData = DatasetTokensCounted['data'];
export type DatasetAcceptedData = DatasetAccepted['data'];
export type DatasetRejectedData = DatasetRejected['data'];
export type DatasetWithdrawnData = DatasetWithdrawn['data'];
export type DatasetKind = DatasetUploadedData['kind'];
