import type { BlobStore } from '@1tt/blob-store';
import { decideDataset, type DedupIndex, type DocumentResult, type ResolvedPipeline } from '@1tt/preprocessing';
import type { DatasetUploadedData } from './dataset-events';
import { REPORT_FORMAT, ReportWriter, reportLineOf } from './dataset-report';
import { analyseDataset, type AnalyseDeps, type DatasetAnalysis } from './dataset-analysis';
import type { SourceRejection } from './document-source';
import { ManifestRootAccumulator } from './manifest-root.accumulator';
import { ownerOf } from './dedup-pool';

export interface DatasetJobSummary {
  documentsIn: number;
  documentsKept: number;
  removed: Record<string, number>;
  duplicatesOfEarlier: number;
  duplicatesWithinDataset: number;
  tokens: number;
  manifestRoot: string;
  reportBlobRef: string;
  /** Routed pipelines (v2) only: tokens of the kept documents per language and per content class. */
  languages?: Record<string, number>;
  contentClasses?: Record<string, number>;
  /** Uploads answering a data request (JudgeDeps.match): kept tokens that match it. */
  requestMatchingTokens?: number;
  /** Routed pipelines only: tokens per language and class together (issue #14: a scope restricting both counts exactly). */
  languageClasses?: Record<string, Record<string, number>>;
}

function sortedKeys(m: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

export type DatasetJobResult = { kind: 'judged'; summary: DatasetJobSummary } | { kind: 'unreadable'; rejection: SourceRejection };

export interface JudgeDeps {
  blobs: BlobStore;
  pipeline: ResolvedPipeline;
  /** Index already holding the pool as of the upload (DedupPool.prepareFor). Kept documents are added to it. */
  index: DedupIndex;
  tmpDir?: string;
  /**
   * Uploads answering a data request: its language and class lists (empty =
   * any). A kept document matches when it is `topical` (analysis) and its
   * labels are in both lists; the summary then has requestMatchingTokens.
   */
  match?: { languages: readonly string[]; contentClasses: readonly string[] };
}

export type DatasetJobDeps = AnalyseDeps & JudgeDeps;

/**
 * JUDGE: applies the duplicate decision to an analysed upload in upload
 * order against `index` (the pool as of the upload: every earlier dataset
 * must be decided), writes the per-document report and stores it. Appends
 * nothing: the caller owns the events (and rolls back `index` when it does
 * not append). The spill is left for the caller to discard.
 */
export async function judgeDataset(upload: DatasetUploadedData, analysis: DatasetAnalysis, deps: JudgeDeps): Promise<DatasetJobResult> {
  if (analysis.kind === 'unreadable') return analysis;
  const { pipeline, index } = deps;
  const ref = { datasetId: upload.datasetId, owner: ownerOf(upload) };
  const writer = await ReportWriter.open(
    {
      format: REPORT_FORMAT,
      datasetId: upload.datasetId,
      pipeline: { name: pipeline.name, version: pipeline.version, configHash: pipeline.configHash },
    },
    deps.tmpDir,
  );
  const manifest = new ManifestRootAccumulator();
  const removed: Record<string, number> = {};
  const languages: Record<string, number> = {};
  const contentClasses: Record<string, number> = {};
  const languageClasses: Record<string, Record<string, number>> = {};
  let documentsIn = 0;
  let documentsKept = 0;
  let duplicatesOfEarlier = 0;
  let duplicatesWithinDataset = 0;
  let tokens = 0;
  let requestMatchingTokens = 0;
  const match = deps.match;
  const matches = (r: DocumentResult): boolean =>
    match !== undefined &&
    r.kept &&
    r.topical === true &&
    (match.languages.length === 0 || (r.labels !== undefined && match.languages.includes(r.labels.language))) &&
    (match.contentClasses.length === 0 || (r.labels !== undefined && match.contentClasses.includes(r.labels.contentClass)));
  try {
    for await (const results of analysis.spill.read()) {
      const decision = decideDataset(ref, results, index, pipeline, { firstIndex: documentsIn });
      for (const o of decision.outcomes) {
        const r = results[o.index - documentsIn];
        await writer.write(
          reportLineOf(o, r.kept ? r.signature : null, { labels: r.labels, block: r.kept ? undefined : r.block, member: r.member }),
        );
        if (o.kept) {
          manifest.add({ index: o.index, exactHash: o.exactHash, tokens: o.tokens });
          if (matches(r)) requestMatchingTokens += o.tokens;
          if (r.labels) {
            languages[r.labels.language] = (languages[r.labels.language] ?? 0) + o.tokens;
            contentClasses[r.labels.contentClass] = (contentClasses[r.labels.contentClass] ?? 0) + o.tokens;
            const byClass = (languageClasses[r.labels.language] ??= {});
            byClass[r.labels.contentClass] = (byClass[r.labels.contentClass] ?? 0) + o.tokens;
          }
        }
      }
      const s = decision.summary;
      documentsKept += s.documentsKept;
      duplicatesOfEarlier += s.duplicatesOfEarlier;
      duplicatesWithinDataset += s.duplicatesWithinDataset;
      tokens += s.tokens;
      for (const [reason, n] of Object.entries(s.removed)) removed[reason] = (removed[reason] ?? 0) + n;
      documentsIn += results.length;
    }
    if (documentsIn !== analysis.documentsIn)
      throw new Error(`analysis of ${upload.datasetId} holds ${documentsIn} of ${analysis.documentsIn} documents`);
  } catch (e) {
    await writer.discard();
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
      ...(pipeline.routes
        ? {
            languages: sortedKeys(languages),
            contentClasses: sortedKeys(contentClasses),
            languageClasses: Object.fromEntries(
              Object.keys(languageClasses)
                .sort()
                .map((l) => [l, sortedKeys(languageClasses[l])]),
            ),
          }
        : {}),
      ...(match ? { requestMatchingTokens } : {}),
    },
  };
}

/**
 * Both phases back to back (reprocess --verify, tests): analyse the upload,
 * then judge it against `index`. Same results as the job runner's split run.
 * A processDocument failure is thrown as DocumentBatchError; an unreadable
 * file gives {kind: 'unreadable'}.
 */
export async function runDatasetJob(upload: DatasetUploadedData, deps: DatasetJobDeps): Promise<DatasetJobResult> {
  const analysis = await analyseDataset(upload, deps);
  try {
    return await judgeDataset(upload, analysis, deps);
  } finally {
    if (analysis.kind === 'analysed') await analysis.spill.discard();
  }
}
