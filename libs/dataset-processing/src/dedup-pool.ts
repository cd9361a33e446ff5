import type { BlobStore } from '@1tt/blob-store';
import { InMemoryDedupIndex, type DedupOwner, type ResolvedPipeline } from '@1tt/preprocessing';
import type { DatasetUploadedData } from './dataset-events';
import type { DatasetEntry, DatasetLog } from './dataset-log';
import { isReportHeader, readReport, signatureOf } from './dataset-report';

export function ownerOf(upload: DatasetUploadedData): DedupOwner {
  return upload.kind === 'reference'
    ? { kind: 'reference', consumerId: upload.consumerId }
    : { kind: 'contribution', contributorId: upload.contributorId };
}

/**
 * The pool a dataset is judged against, kept in step with the log.
 *
 * Rule (deterministic, replayable): dataset D is judged against the kept
 * documents of every dataset (contribution or reference corpus) uploaded
 * before D and accepted, except those withdrawn at a log position before
 * D's upload. A withdrawal recorded after D's upload does not change D's
 * verdict, however late D happens to be processed; datasets already
 * judged keep their verdict.
 *
 * Persistence: the index is not stored; it is rebuilt at start-up from the
 * report blobs of the accepted datasets (each kept document's exact hash and
 * MinHash signature), read in log order, with withdrawals applied at their
 * positions. That needs nothing but the log and the blobs, and gives the
 * same index (same entries, same insertion order, hence the same
 * tie-breaks) as the live run. Cost: one read of every accepted report per
 * start-up (a persisted copy of the index would shorten it; none exists).
 */
export class DedupPool {
  readonly index: InMemoryDedupIndex;
  private readonly present = new Set<string>();
  private readonly removed = new Set<string>();
  private considered = 0;

  constructor(
    private readonly blobs: BlobStore,
    pipeline: ResolvedPipeline,
  ) {
    this.index = new InMemoryDedupIndex(pipeline.dedup.near);
  }

  /** Brings the index to "the pool as of `upload position` of next". Every dataset before it must be decided. */
  async prepareFor(next: DatasetEntry, log: DatasetLog): Promise<void> {
    let i = 0;
    for (const d of log.uploadedBefore(next.uploadPosition)) {
      const withdrawnBefore = d.withdrawnAt !== undefined && d.withdrawnAt < next.uploadPosition;
      if (i >= this.considered) {
        if (d.decidedAt === undefined)
          throw new Error(`dataset ${d.upload.datasetId} is not decided yet; ${next.upload.datasetId} must wait`);
        this.considered = i + 1;
        if (
          !withdrawnBefore &&
          !this.present.has(d.upload.datasetId) &&
          (d.status === 'accepted' || d.status === 'withdrawn') &&
          d.reportBlobRef
        ) {
          await this.load(d);
        }
      }
      if (withdrawnBefore && !this.removed.has(d.upload.datasetId)) {
        this.index.removeDataset(d.upload.datasetId);
        this.removed.add(d.upload.datasetId);
      }
      i += 1;
    }
  }

  /** The job added this dataset's kept documents itself (live decision). */
  markPresent(datasetId: string): void {
    this.present.add(datasetId);
  }

  /** Undo a job's partial additions (abort, failure, or another process decided first). */
  rollback(datasetId: string): void {
    this.index.removeDataset(datasetId);
    this.present.delete(datasetId);
  }

  private async load(d: DatasetEntry): Promise<void> {
    const owner = ownerOf(d.upload);
    for await (const line of readReport(this.blobs, d.reportBlobRef!)) {
      if (isReportHeader(line) || !line.kept) continue;
      this.index.add({
        datasetId: d.upload.datasetId,
        documentIndex: line.index,
        owner,
        exactHash: line.exactHash!,
        signature: signatureOf(line),
      });
    }
    this.present.add(d.upload.datasetId);
  }
}
