import { isStreamOf, recordedUses } from '@1tt/ledger';
import type { RecordedEvent } from '@1tt/event-store';
import {
  DATASET_PROGRESS_REPORTED,
  DATASET_PROGRESS_STREAM_PREFIX,
  type DatasetProgress,
  type DatasetProgressReported,
  type DatasetEvent,
  type DatasetKind,
  type DatasetPreprocessedData,
  type DatasetTokensCountedData,
  type DatasetUploadedData,
} from '@1tt/dataset-processing';
import type { Projection, ProjectionTransaction } from '@1tt/read-models';

export const DATASETS_COLLECTION = 'datasets';

/** One dataset as the read side knows it (internal: the routes choose what each role sees). */
export interface DatasetView extends Record<string, unknown> {
  datasetId: string;
  kind: DatasetKind;
  /** Owner for listing: the contributor, or null for a consumer's reference corpus. */
  contributorId: string | null;
  consumerId: string | null;
  status: 'processing' | 'accepted' | 'rejected' | 'withdrawn';
  fileName: string;
  format: string;
  compression: string;
  textField: string | null;
  /** .txt: document | paragraph | line (absent on uploads recorded before issue #13: paragraph); null for other formats. */
  split?: string | null;
  sizeBytes: number;
  sha256: string;
  blobRef: string;
  uploadedAt: string;
  uploadPosition: number;
  documentsIn: number | null;
  documentsKept: number | null;
  removed: Record<string, number>;
  duplicatesOfEarlier: number | null;
  manifestRoot: string | null;
  reportBlobRef: string | null;
  pipeline: DatasetPreprocessedData['pipeline'] | null;
  tokens: number | null;
  tokenizer: string | null;
  rejection: { reason: string; detail?: string } | null;
  decidedAt: string | null;
  withdrawnAt: string | null;
  /** Tokens kept per language and per content class (routed pipelines, v2); null or absent otherwise. */
  languages?: Record<string, number> | null;
  contentClasses?: Record<string, number> | null;
  /** The data request the upload answers (issue #15); absent or null otherwise. */
  requestId?: string | null;
  /** What was credited to that request when the dataset was accepted (DatasetAccepted requestCredit). */
  requestCredit?: { requestId: string; creditedTokens: string } | null;
  /** Issue #14: the licence (null: recorded before licences), the uses granted now, documents excluded and their tokens. */
  licence?: string | null;
  uses?: string[];
  excludedDocuments?: number;
  excludedTokens?: number;
  /** The latest DatasetProgressReported while processing (published by whichever process analyses it); absent in older documents. */
  progress?: DatasetProgress | null;
}

/**
 * The `datasets` read model: one document per dataset stream, versioned by
 * log position (so every read can be made as of a past position).
 * Deterministic and idempotent, as the runner requires.
 */
export const datasetProjection: Projection = {
  name: 'datasets',
  version: 3,
  collections: [{ name: DATASETS_COLLECTION, indexes: ['contributorId', 'sha256', 'status', 'kind', 'uploadPosition'] }],
  handles: [
    'DatasetUploaded',
    'DatasetPreprocessed',
    'DatasetTokensCounted',
    'DatasetAccepted',
    'DatasetRejected',
    'DatasetWithdrawn',
    'DatasetConsentChanged',
    'DatasetDocumentsExcluded',
    DATASET_PROGRESS_REPORTED,
  ],
  async apply(tx: ProjectionTransaction, event: RecordedEvent): Promise<void> {
    if (event.streamName.startsWith(DATASET_PROGRESS_STREAM_PREFIX)) {
      if (event.type !== DATASET_PROGRESS_REPORTED) return;
      const p = (event as unknown as DatasetProgressReported).data;
      const current = await tx.get<DatasetView>(DATASETS_COLLECTION, p.datasetId);
      // A report that arrives after the decision (appends race) must not resurrect progress.
      if (!current || current.status !== 'processing') return;
      const known = current.progress;
      if (known && known.documentsDone > p.documentsDone) return;
      tx.put(DATASETS_COLLECTION, p.datasetId, {
        ...current,
        progress: { documentsDone: p.documentsDone, bytesRead: p.bytesRead, totalBytes: p.totalBytes },
      });
      return;
    }
    if (!isStreamOf('dataset', event.streamName)) return;
    const e = event as unknown as DatasetEvent;
    if (e.type === 'DatasetUploaded') {
      tx.put(DATASETS_COLLECTION, e.data.datasetId, uploaded(e.data, event));
      return;
    }
    const current = await tx.get<DatasetView>(DATASETS_COLLECTION, e.data.datasetId);
    if (!current) return;
    const next: DatasetView = { ...current };
    switch (e.type) {
      case 'DatasetPreprocessed': {
        const d: DatasetPreprocessedData = e.data;
        Object.assign(next, {
          documentsIn: d.documentsIn,
          documentsKept: d.documentsKept,
          removed: d.removed,
          duplicatesOfEarlier: d.duplicatesOfEarlier,
          manifestRoot: d.manifestRoot,
          reportBlobRef: d.reportBlobRef,
          pipeline: d.pipeline,
          languages: d.languages ?? null,
          contentClasses: d.contentClasses ?? null,
        });
        break;
      }
      case 'DatasetTokensCounted': {
        const d: DatasetTokensCountedData = e.data;
        // A decimal string in the event; counts per dataset stay far below 2^53.
        Object.assign(next, { tokens: Number(d.tokens), tokenizer: d.tokenizer });
        break;
      }
      case 'DatasetAccepted':
        Object.assign(next, {
          status: 'accepted',
          decidedAt: event.metadata.recordedAt,
          ...(e.data.requestCredit ? { requestCredit: e.data.requestCredit } : {}),
        });
        break;
      case 'DatasetRejected': {
        const rejection = { reason: e.data.reason, ...(e.data.detail !== undefined ? { detail: e.data.detail } : {}) };
        Object.assign(next, { status: 'rejected', rejection, decidedAt: event.metadata.recordedAt });
        break;
      }
      case 'DatasetWithdrawn':
        Object.assign(next, { status: 'withdrawn', withdrawnAt: event.metadata.recordedAt });
        break;
      case 'DatasetConsentChanged':
        next.uses = [...e.data.uses];
        break;
      case 'DatasetDocumentsExcluded':
        next.excludedDocuments = (current.excludedDocuments ?? 0) + e.data.documents.length;
        next.excludedTokens = (current.excludedTokens ?? 0) + Number(e.data.tokens);
        break;
    }
    tx.put(DATASETS_COLLECTION, e.data.datasetId, next);
  },
};

function uploaded(d: DatasetUploadedData, event: RecordedEvent): DatasetView {
  return {
    datasetId: d.datasetId,
    kind: d.kind,
    contributorId: d.kind === 'contribution' ? d.contributorId : null,
    consumerId: d.kind === 'reference' ? d.consumerId : null,
    status: 'processing',
    fileName: d.fileName,
    format: d.format,
    compression: d.compression,
    textField: d.textField,
    split: d.format === 'txt' ? (d.split ?? 'paragraph') : null,
    licence: d.licence ?? null,
    uses: [...recordedUses(d.uses)],
    excludedDocuments: 0,
    excludedTokens: 0,
    sizeBytes: d.sizeBytes,
    sha256: d.sha256,
    blobRef: d.blobRef,
    uploadedAt: event.metadata.recordedAt,
    uploadPosition: event.position,
    documentsIn: null,
    documentsKept: null,
    removed: {},
    duplicatesOfEarlier: null,
    manifestRoot: null,
    reportBlobRef: null,
    // The pipeline recorded at upload (issue #13) until the result names the one that decided it.
    pipeline: d.pipeline ?? null,
    ...(d.requestId !== undefined ? { requestId: d.requestId } : {}),
    tokens: null,
    tokenizer: null,
    rejection: null,
    decidedAt: null,
    withdrawnAt: null,
  };
}
