import { Clock } from '../decider/decider';
import { DatasetOwner, DatasetPreprocessed, DatasetTokensCounted } from './dataset.events';

type Input<T extends { data: unknown }, Omitted extends string> = Omit<T['data'], Omitted>;

export interface RecordDatasetUpload {
  type: 'RecordDatasetUpload';
  data: DatasetOwner & {
    datasetId: string;
    fileName: string;
    format: string;
    compression: string;
    sizeBytes: number;
    sha256: string;
    blobRef: string;
    textField: string | null;
    /** .txt only: document | paragraph | line. */
    split?: string;
    /** The pipeline to judge it with (name, version, configHash); see DatasetUploaded. */
    pipeline?: { name: string; version: string; configHash: string };
    /** The data request the upload answers (issue #15). */
    requestId?: string;
  };
}
export interface RecordDatasetPreprocessing {
  type: 'RecordDatasetPreprocessing';
  data: Input<DatasetPreprocessed, 'preprocessedAt'>;
}
export interface RecordDatasetTokenCount {
  type: 'RecordDatasetTokenCount';
  data: Input<DatasetTokensCounted, 'countedAt'>;
}
export interface AcceptDataset {
  type: 'AcceptDataset';
  /** requestCredit: what DataRequestBook.creditFor gives the dataset (uploads answering a data request). */
  data: { datasetId: string; requestCredit?: { requestId: string; creditedTokens: string } };
}
export interface RejectDataset {
  type: 'RejectDataset';
  data: { datasetId: string; reason: string; detail?: string };
}
export interface WithdrawDataset {
  type: 'WithdrawDataset';
  /** requestedBy: who asks; only the dataset's owner may withdraw it. */
  data: { datasetId: string; requestedBy: { role: 'contributor' | 'consumer' | 'admin' | 'auditor'; id: string }; reason?: string };
}

export type DatasetCommand =
  RecordDatasetUpload | RecordDatasetPreprocessing | RecordDatasetTokenCount | AcceptDataset | RejectDataset | WithdrawDataset;

export interface DatasetContext extends Clock {
  /** For RecordDatasetUpload: whether the owner (contributor or consumer) is registered. */
  ownerRegistered?: boolean;
}

export type { DatasetOwner };
