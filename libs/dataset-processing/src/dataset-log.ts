import type { RecordedEvent } from '@1tt/event-store';
import { isStreamOf } from '@1tt/ledger';
import { type DatasetEvent, type DatasetUploadedData } from './dataset-events';
import { DATASET_ANALYSIS_INTERRUPTED, DATASET_ANALYSIS_STARTED, DATASET_PROGRESS_STREAM_PREFIX } from './dataset-progress';

export type DatasetStatus = 'processing' | 'accepted' | 'rejected' | 'withdrawn';

export interface DatasetEntry {
  readonly upload: DatasetUploadedData;
  /** Log position and stream revision of DatasetUploaded. */
  readonly uploadPosition: number;
  readonly uploadRevision: number;
  readonly uploadEventId: string;
  readonly correlationId: string;
  status: DatasetStatus;
  /** Set once decided and accepted or rejected after preprocessing. */
  reportBlobRef?: string;
  decidedAt?: number;
  withdrawnAt?: number;
  /** Analyses started (DatasetAnalysisStarted), by any process, since the upload. */
  attempts: number;
  /** Of those, the ones that ended cleanly without being the dataset's fault (DatasetAnalysisInterrupted). */
  interrupted: number;
}

/**
 * What the job runner knows of the dataset streams, folded from the log in
 * position order (idempotent: an event at or below the last position seen
 * is ignored). Jobs are derived from it: a dataset is to be processed while
 * its status is 'processing', so a crash loses nothing.
 */
export class DatasetLog {
  private readonly byId = new Map<string, DatasetEntry>();
  /** Upload order (= log order). */
  private readonly order: DatasetEntry[] = [];
  private position = 0;
  /** Index in `order` of the first dataset not yet decided. */
  private cursor = 0;

  get lastPosition(): number {
    return this.position;
  }

  apply(event: RecordedEvent): void {
    if (event.position <= this.position) return;
    this.position = event.position;
    if (event.streamName.startsWith(DATASET_PROGRESS_STREAM_PREFIX)) {
      const d = this.byId.get((event.data as { datasetId?: string }).datasetId ?? '');
      if (d && event.type === DATASET_ANALYSIS_STARTED) d.attempts += 1;
      else if (d && event.type === DATASET_ANALYSIS_INTERRUPTED) d.interrupted += 1;
      return;
    }
    if (!isStreamOf('dataset', event.streamName)) return;
    const e = event as unknown as DatasetEvent & RecordedEvent;
    switch (e.type) {
      case 'DatasetUploaded': {
        const entry: DatasetEntry = {
          upload: e.data,
          uploadPosition: event.position,
          uploadRevision: event.revision,
          uploadEventId: event.id,
          correlationId: event.metadata.correlationId,
          status: 'processing',
          attempts: 0,
          interrupted: 0,
        };
        this.byId.set(e.data.datasetId, entry);
        this.order.push(entry);
        return;
      }
      case 'DatasetPreprocessed': {
        const d = this.byId.get(e.data.datasetId);
        if (d) d.reportBlobRef = e.data.reportBlobRef;
        return;
      }
      case 'DatasetAccepted':
      case 'DatasetRejected': {
        const d = this.byId.get(e.data.datasetId);
        if (d) {
          d.status = e.type === 'DatasetAccepted' ? 'accepted' : 'rejected';
          d.decidedAt = event.position;
        }
        return;
      }
      case 'DatasetWithdrawn': {
        const d = this.byId.get(e.data.datasetId);
        if (d) {
          d.status = 'withdrawn';
          d.withdrawnAt = event.position;
        }
        return;
      }
      default:
        return;
    }
  }

  /** Attempts that started and ended without a decision or a clean interruption: each one stopped its process, or failed. */
  failedAttempts(datasetId: string): number {
    const d = this.byId.get(datasetId);
    return d ? d.attempts - d.interrupted : 0;
  }

  get(datasetId: string): DatasetEntry | undefined {
    return this.byId.get(datasetId);
  }

  /** The earliest dataset (in log order) still waiting for its decision. */
  nextUndecided(): DatasetEntry | undefined {
    while (this.cursor < this.order.length && this.order[this.cursor].decidedAt !== undefined) this.cursor += 1;
    return this.order[this.cursor];
  }

  /** Every dataset still waiting for its decision, in log order. */
  *undecided(): Iterable<DatasetEntry> {
    for (let i = this.cursor; i < this.order.length; i++) if (this.order[i].decidedAt === undefined) yield this.order[i];
  }

  /** Datasets uploaded before `position`, in log order. */
  *uploadedBefore(position: number): Iterable<DatasetEntry> {
    for (const d of this.order) {
      if (d.uploadPosition >= position) return;
      yield d;
    }
  }

  all(): readonly DatasetEntry[] {
    return this.order;
  }
}
