import * as os from 'node:os';
import type { BlobStore } from '@1tt/blob-store';
import type { EventStore } from '@1tt/event-store';
import { knownPipelines, requestTextMatcher, type ResolvedPipeline } from '@1tt/preprocessing';
import { DataRequestBook, streamNames } from '@1tt/ledger';
import { type DatasetEvent, type DatasetPreprocessedData, type DatasetRejectedData } from './dataset-events';
import { runDatasetJob } from './dataset-job';
import type { DatasetProgress } from './dataset-analysis';
import { DatasetLog } from './dataset-log';
import { DedupPool } from './dedup-pool';
import type { DocumentSourceFactory } from './document-source';
import { DocumentWorkerPool } from './document-worker.pool';

export interface ReprocessFigures {
  documentsIn: number;
  documentsKept: number;
  removed: Record<string, number>;
  tokens: number;
  manifestRoot: string;
  reportBlobRef?: string;
  rejectionReason?: string;
  /** Uploads answering a data request (issue #15): kept tokens matching it (DatasetPreprocessed requestMatch). */
  requestMatchingTokens?: number;
}

export interface ReprocessReport {
  datasetId: string;
  /** Upload position: the pool is rebuilt as of it. */
  poolPosition: number;
  pipeline: { name: string; version: string; configHash: string };
  recorded: ReprocessFigures;
  recomputed: ReprocessFigures;
  /** Kept documents (manifest root) and tokens both equal. */
  matches: boolean;
  differences: string[];
}

export interface ReprocessOptions {
  events: EventStore;
  blobs: BlobStore;
  openSource: DocumentSourceFactory;
  /** Pipelines this build can run; the recorded configHash picks one. Default: every pipeline of this build (knownPipelines: v2 default-multilingual, v1 default-english-prose). */
  pipelines?: ResolvedPipeline[];
  workerThreads?: number;
  /** Called as the file is read again (documents done, compressed bytes read of the total): a progress bar's feed. */
  onProgress?: (p: DatasetProgress) => void;
}

/**
 * `1tt dataset reprocess <id> --verify`: re-runs the recorded pipeline on
 * the stored file against the pool as of the dataset's upload position
 * (rebuilt from the log and the earlier datasets' reports, exactly as the
 * job runner builds it) and compares kept documents and tokens with what
 * the log says, and for an upload answering a data request its matching
 * tokens (the request as the log knew it at the upload). Appends nothing.
 */
export async function reprocessDataset(datasetId: string, options: ReprocessOptions): Promise<ReprocessReport> {
  const own = await options.events.readStream(streamNames.dataset(datasetId));
  let preprocessed: DatasetPreprocessedData | undefined;
  let rejected: DatasetRejectedData | undefined;
  let tokens = 0;
  let decidedAt = 0;
  for (const r of own) {
    const e = r as unknown as DatasetEvent;
    if (e.type === 'DatasetPreprocessed') preprocessed = e.data;
    if (e.type === 'DatasetTokensCounted') tokens = Number(e.data.tokens);
    if (e.type === 'DatasetRejected') rejected = e.data;
    if (e.type === 'DatasetAccepted' || e.type === 'DatasetRejected') decidedAt = r.position;
  }
  if (!decidedAt) throw new Error(`dataset ${datasetId} is not decided yet: nothing to verify`);

  const log = new DatasetLog();
  const requests = new DataRequestBook();
  // Everything before the decision (positions are opaque: stop at it rather than computing the one before).
  for await (const e of options.events.readAll({ toPosition: decidedAt })) {
    if (e.position >= decidedAt) break;
    log.apply(e);
    requests.apply(e);
  }
  const entry = log.get(datasetId);
  if (!entry) throw new Error(`dataset ${datasetId} has no DatasetUploaded before its decision`);

  const known = options.pipelines ?? knownPipelines();
  const pipeline = preprocessed ? known.find((p) => p.configHash === preprocessed.pipeline.configHash) : known[0];
  if (!pipeline) {
    throw new Error(
      `pipeline ${preprocessed!.pipeline.name} v${preprocessed!.pipeline.version} (config ${preprocessed!.pipeline.configHash}) is not available in this build`,
    );
  }
  const request = requests.answeredBy(datasetId);
  const pool = new DedupPool(options.blobs, pipeline);
  await pool.prepareFor(entry, log);
  const workers = DocumentWorkerPool.start({ pipeline, size: options.workerThreads ?? os.availableParallelism() });
  let recomputed: ReprocessFigures;
  try {
    const result = await runDatasetJob(entry.upload, {
      blobs: options.blobs,
      pool: workers,
      openSource: options.openSource,
      pipeline,
      index: pool.index,
      onProgress: options.onProgress,
      ...(request
        ? {
            topical: requestTextMatcher({ keywords: request.keywords, sampleText: request.sampleText }),
            match: { languages: request.languages, contentClasses: request.contentClasses },
          }
        : {}),
    });
    recomputed =
      result.kind === 'judged'
        ? {
            documentsIn: result.summary.documentsIn,
            documentsKept: result.summary.documentsKept,
            removed: result.summary.removed,
            tokens: result.summary.tokens,
            manifestRoot: result.summary.manifestRoot,
            reportBlobRef: result.summary.reportBlobRef,
            ...(result.summary.documentsKept === 0 ? { rejectionReason: 'no_documents_kept' } : {}),
            ...(result.summary.requestMatchingTokens !== undefined ? { requestMatchingTokens: result.summary.requestMatchingTokens } : {}),
          }
        : { documentsIn: 0, documentsKept: 0, removed: {}, tokens: 0, manifestRoot: '', rejectionReason: result.rejection.reason };
  } finally {
    await workers.close();
  }
  const recorded: ReprocessFigures = preprocessed
    ? {
        documentsIn: preprocessed.documentsIn,
        documentsKept: preprocessed.documentsKept,
        removed: preprocessed.removed,
        tokens,
        manifestRoot: preprocessed.manifestRoot,
        reportBlobRef: preprocessed.reportBlobRef,
        ...(rejected ? { rejectionReason: rejected.reason } : {}),
        ...(preprocessed.requestMatch ? { requestMatchingTokens: preprocessed.requestMatch.matchingTokens } : {}),
      }
    : { documentsIn: 0, documentsKept: 0, removed: {}, tokens: 0, manifestRoot: '', rejectionReason: rejected?.reason };
  const differences: string[] = [];
  for (const k of ['documentsIn', 'documentsKept', 'tokens', 'manifestRoot', 'rejectionReason', 'requestMatchingTokens'] as const) {
    if (recorded[k] !== recomputed[k]) differences.push(`${k}: recorded ${String(recorded[k])}, recomputed ${String(recomputed[k])}`);
  }
  if (JSON.stringify(recorded.removed) !== JSON.stringify(recomputed.removed))
    differences.push(`removed: recorded ${JSON.stringify(recorded.removed)}, recomputed ${JSON.stringify(recomputed.removed)}`);
  return {
    datasetId,
    poolPosition: entry.uploadPosition,
    pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash },
    recorded,
    recomputed,
    matches: differences.length === 0,
    differences,
  };
}
