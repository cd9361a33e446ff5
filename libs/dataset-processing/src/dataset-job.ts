import type { BlobStore } from '@1tt/blob-store';
import { decideDataset, type DedupIndex, type DocumentResult, type ResolvedPipeline } from '@1tt/preprocessing';
import type { DatasetUploadedData } from './dataset-events';
import { REPORT_FORMAT, ReportWriter, reportLineOf } from './dataset-report';
import { DocumentBatchError, type DocumentWorkerPool } from './document-worker.pool';
import { asSourceRejection, type DocumentSourceFactory, type SourceRejection } from './document-source';
import { ManifestRootAccumulator } from './manifest-root.accumulator';
import { ownerOf } from './dedup-pool';

export interface DatasetProgress {
  documentsDone: number;
  bytesRead: number;
  totalBytes: number;
}

export interface DatasetJobSummary {
  documentsIn: number;
  documentsKept: number;
  removed: Record<string, number>;
  duplicatesOfEarlier: number;
  duplicatesWithinDataset: number;
  tokens: number;
  manifestRoot: string;
  reportBlobRef: string;
}

export type DatasetJobResult = { kind: 'judged'; summary: DatasetJobSummary } | { kind: 'unreadable'; rejection: SourceRejection };

export interface DatasetJobDeps {
  blobs: BlobStore;
  pool: DocumentWorkerPool;
  openSource: DocumentSourceFactory;
  pipeline: ResolvedPipeline;
  /** Index already holding the pool as of the upload (DedupPool.prepareFor). Kept documents are added to it. */
  index: DedupIndex;
  /** Documents per worker message (default 128) and text per message (default 1 MiB of UTF-16 code units). */
  batchDocuments?: number;
  batchChars?: number;
  tmpDir?: string;
  /** Checked between batches; when it returns true the job stops with JobAbortedError. */
  aborted?: () => boolean;
  onProgress?: (p: DatasetProgress) => void;
}

export class JobAbortedError extends Error {
  override readonly name = 'JobAbortedError';
}

interface Batch {
  firstIndex: number;
  /** Pre-decided results (skipped records) by position; null where the worker's answer goes. */
  slots: Array<DocumentResult | null>;
  results: Promise<DocumentResult[]>;
}

/**
 * Judges one upload: streams its documents through the worker pool (many
 * batches in flight, bounded, so memory stays flat), applies the duplicate
 * decision batch by batch in upload order against `index`, writes the
 * per-document report and stores it. Appends nothing: the caller owns the
 * events (and rolls back `index` when it does not append).
 *
 * A processDocument failure (a bug, deterministic for that input) is thrown
 * as DocumentBatchError; an unreadable file gives {kind: 'unreadable'}.
 */
export async function runDatasetJob(upload: DatasetUploadedData, deps: DatasetJobDeps): Promise<DatasetJobResult> {
  const { pipeline, pool, index } = deps;
  const batchDocuments = deps.batchDocuments ?? 128;
  const batchChars = deps.batchChars ?? 1 << 20;
  const maxInFlight = pool.size * 2 + 1;
  const ref = { datasetId: upload.datasetId, owner: ownerOf(upload) };
  const progress: DatasetProgress = { documentsDone: 0, bytesRead: 0, totalBytes: upload.sizeBytes };
  const writer = await ReportWriter.open(
    { format: REPORT_FORMAT, datasetId: upload.datasetId, pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash } },
    deps.tmpDir,
  );
  const manifest = new ManifestRootAccumulator();
  const removed: Record<string, number> = {};
  let documentsIn = 0;
  let documentsKept = 0;
  let duplicatesOfEarlier = 0;
  let duplicatesWithinDataset = 0;
  let tokens = 0;
  const inFlight: Batch[] = [];

  const settle = async (b: Batch): Promise<void> => {
    const answered = await b.results;
    let k = 0;
    const merged = b.slots.map((s) => s ?? answered[k++]);
    const decision = decideDataset(ref, merged, index, pipeline, { firstIndex: b.firstIndex });
    for (const o of decision.outcomes) {
      const r = merged[o.index - b.firstIndex];
      await writer.write(reportLineOf(o, r.kept ? r.signature : null));
      if (o.kept) manifest.add({ index: o.index, exactHash: o.exactHash, tokens: o.tokens });
    }
    const s = decision.summary;
    documentsKept += s.documentsKept;
    duplicatesOfEarlier += s.duplicatesOfEarlier;
    duplicatesWithinDataset += s.duplicatesWithinDataset;
    tokens += s.tokens;
    for (const [reason, n] of Object.entries(s.removed)) removed[reason] = (removed[reason] ?? 0) + n;
    progress.documentsDone += merged.length;
    deps.onProgress?.({ ...progress });
  };

  let slots: Array<DocumentResult | null> = [];
  let texts: string[] = [];
  let chars = 0;
  let firstIndex = 0;
  const submit = async (): Promise<void> => {
    if (slots.length === 0) return;
    const results = pool.process(texts);
    // Settled in order below; a rejection here must not surface as unhandled meanwhile.
    results.catch(() => undefined);
    inFlight.push({ firstIndex, slots, results });
    firstIndex += slots.length;
    slots = [];
    texts = [];
    chars = 0;
    while (inFlight.length >= maxInFlight) await settle(inFlight.shift()!);
  };

  try {
    const source = await deps.openSource(upload, deps.blobs);
    for await (const rec of source.records) {
      if (deps.aborted?.()) throw new JobAbortedError(`processing of ${upload.datasetId} stopped`);
      if (rec.index !== undefined && rec.index !== documentsIn) {
        // The report and the manifest name documents by position: a gap or reordering would misname every later one.
        throw new Error(`record ${rec.index} of ${upload.datasetId} arrived at position ${documentsIn}`);
      }
      documentsIn += 1;
      if (rec.text === undefined) {
        const reason = rec.skip ?? 'unreadable_record';
        slots.push(rec.detail !== undefined ? { kept: false, reason, detail: rec.detail } : { kept: false, reason });
      } else {
        slots.push(null);
        texts.push(rec.text);
        chars += rec.text.length;
      }
      if (slots.length >= batchDocuments || chars >= batchChars) {
        progress.bytesRead = source.progress.compressedBytesRead;
        await submit();
      }
    }
    await submit();
    while (inFlight.length > 0) {
      if (deps.aborted?.()) throw new JobAbortedError(`processing of ${upload.datasetId} stopped`);
      await settle(inFlight.shift()!);
    }
    progress.bytesRead = source.progress.compressedBytesRead;
    deps.onProgress?.({ ...progress });
  } catch (e) {
    await Promise.allSettled(inFlight.map((b) => b.results));
    await writer.discard();
    const rejection = e instanceof DocumentBatchError || e instanceof JobAbortedError ? undefined : asSourceRejection(e);
    if (rejection) return { kind: 'unreadable', rejection };
    throw e;
  }

  const stored = await writer.store(deps.blobs);
  const sortedRemoved: Record<string, number> = {};
  for (const k of Object.keys(removed).sort()) sortedRemoved[k] = removed[k];
  return {
    kind: 'judged',
    summary: {
      documentsIn,
      documentsKept,
      removed: sortedRemoved,
      duplicatesOfEarlier,
      duplicatesWithinDataset,
      tokens,
      manifestRoot: manifest.root(),
      reportBlobRef: stored.ref,
    },
  };
}
