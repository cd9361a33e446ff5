import { createReadStream, createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { DocumentResult } from '@1tt/preprocessing';
import type { DatasetUploadedData } from './dataset-events';
import { DocumentBatchError, type DocumentWorkerPool } from './document-worker.pool';
import { asSourceRejection, type DocumentSourceFactory, type SourceRejection } from './document-source';
import { REPORT_TEMP_PREFIX } from './dataset-report';
import { labelsOf, labelsRow, type LabelsRow } from './document-batch';
import type { BlobStore } from '@1tt/blob-store';

export interface DatasetProgress {
  documentsDone: number;
  bytesRead: number;
  totalBytes: number;
}

export class JobAbortedError extends Error {
  override readonly name = 'JobAbortedError';
}

/**
 * One document's processDocument result as a spill line (NDJSON array):
 * kept → [1, exactHash, tokens, chars, signature base64 | null, labels | null];
 * removed → [0, reason, detail | null, block | null, labels | null]
 * (labels: routed pipelines' language, score, class, route; see LabelsRow).
 * The cleaned text is not kept: the judge reads only hashes, signatures,
 * token counts and labels.
 */
type SpillRow =
  [1, string, number, number, string | null, LabelsRow | null, (0 | 1)?] | [0, string, string | null, string | null, LabelsRow | null];

function toRow(r: DocumentResult): SpillRow {
  if (r.kept) {
    const sig = r.signature ? Buffer.from(r.signature.buffer, r.signature.byteOffset, r.signature.byteLength).toString('base64') : null;
    return r.topical
      ? [1, r.exactHash, r.tokens, r.chars, sig, labelsRow(r.labels), 1]
      : [1, r.exactHash, r.tokens, r.chars, sig, labelsRow(r.labels)];
  }
  return [0, r.reason, r.detail ?? null, r.block ?? null, labelsRow(r.labels)];
}

function fromRow(row: SpillRow): DocumentResult {
  if (row[0] === 1) {
    let signature: Uint32Array | null = null;
    if (row[4] !== null) {
      const b = Buffer.from(row[4], 'base64');
      signature = new Uint32Array(b.byteLength / 4);
      new Uint8Array(signature.buffer).set(b);
    }
    return {
      kept: true,
      cleanedText: '',
      exactHash: row[1],
      tokens: row[2],
      chars: row[3],
      signature,
      ...labelsOf(row[5]),
      ...(row[6] === 1 ? { topical: true } : {}),
    };
  }
  return {
    kept: false,
    reason: row[1],
    ...(row[2] !== null ? { detail: row[2] } : {}),
    ...(row[3] !== null ? { block: row[3] } : {}),
    ...labelsOf(row[4]),
  };
}

const SPILL_PREFIX = '1tt-analysis-';

/** A spilled result and the archive member its document came from (archives only). */
export type SpilledResult = DocumentResult & { member?: string };

/** A spill line: the row, or `{m: member, r: row}` for a document from an archive member. */
function spillLine(r: SpilledResult): string {
  return JSON.stringify(r.member !== undefined ? { m: r.member, r: toRow(r) } : toRow(r));
}

function fromSpillLine(line: string): SpilledResult {
  const parsed = JSON.parse(line) as SpillRow | { m: string; r: SpillRow };
  if (Array.isArray(parsed)) return fromRow(parsed);
  return { ...fromRow(parsed.r), member: parsed.m };
}

/**
 * The per-document results of an analysed upload, in upload order, on disk
 * (a temporary file), so that a process can analyse datasets ahead of their
 * turn with flat memory. Read back in chunks by the judge.
 */
export class AnalysisSpill {
  private constructor(
    readonly file: string,
    private out: WriteStream | undefined,
  ) {}

  static async create(tmpDir = os.tmpdir()): Promise<AnalysisSpill> {
    // The pid in the name lets a later start remove what a killed process left (sweepOrphans).
    const dir = await fsp.mkdtemp(path.join(tmpDir, `${SPILL_PREFIX}${process.pid}-`));
    const file = path.join(dir, 'results.ndjson');
    return new AnalysisSpill(file, createWriteStream(file));
  }

  write(results: readonly SpilledResult[]): Promise<void> {
    if (!this.out) throw new Error('analysis spill is closed');
    let text = '';
    for (const r of results) text += spillLine(r) + '\n';
    if (this.out.write(text)) return Promise.resolve();
    return new Promise((resolve) => this.out!.once('drain', resolve));
  }

  async finish(): Promise<void> {
    const out = this.out;
    if (!out) return;
    this.out = undefined;
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }

  /** The results in upload order, `chunk` at a time. */
  async *read(chunk = 512): AsyncGenerator<SpilledResult[]> {
    const input = createReadStream(this.file);
    const rl = createInterface({ input, crlfDelay: Infinity });
    let batch: SpilledResult[] = [];
    try {
      for await (const line of rl) {
        if (!line) continue;
        batch.push(fromSpillLine(line));
        if (batch.length >= chunk) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      rl.close();
      input.destroy();
    }
  }

  /**
   * Removes the spills and half-written reports of processes that no longer
   * run (SIGKILL, power loss): on a shared DATA_DIR, only directories whose
   * pid is not alive on this host are touched. Returns how many were removed.
   */
  static async sweepOrphans(tmpDir = os.tmpdir()): Promise<number> {
    let removed = 0;
    const orphan = new RegExp(`^(?:${SPILL_PREFIX}|${REPORT_TEMP_PREFIX})(\\d+)-`);
    for (const name of await fsp.readdir(tmpDir).catch(() => [] as string[])) {
      const m = orphan.exec(name);
      if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
      await fsp.rm(path.join(tmpDir, name), { recursive: true, force: true });
      removed += 1;
    }
    return removed;
  }

  async discard(): Promise<void> {
    if (this.out) {
      this.out.on('error', () => undefined);
      this.out.destroy();
      this.out = undefined;
    }
    await fsp.rm(path.dirname(this.file), { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** What the ANALYSE phase produced: the results on disk, or why the whole file is refused. */
export type DatasetAnalysis =
  { kind: 'analysed'; documentsIn: number; spill: AnalysisSpill } | { kind: 'unreadable'; rejection: SourceRejection };

export interface AnalyseDeps {
  blobs: BlobStore;
  pool: DocumentWorkerPool;
  openSource: DocumentSourceFactory;
  /** Documents per worker message (default 128) and text per message (default 1 MiB of UTF-16 code units). */
  batchDocuments?: number;
  batchChars?: number;
  tmpDir?: string;
  /** Checked between batches; when it returns true the analysis stops with JobAbortedError. */
  aborted?: () => boolean;
  onProgress?: (p: DatasetProgress) => void;
  /** The most work one dataset may impose; past any limit it is refused `processing_budget_exceeded`. Default: none. */
  budget?: AnalysisBudget;
  /** Uploads answering a data request: whether a document's text matches it (requestTextMatcher); kept documents are marked `topical`. */
  topical?: (text: string) => boolean;
}

/**
 * The work one dataset may impose on the processor (issue #20, M5): datasets
 * are decided in upload order, so every later upload waits for this one.
 * Limits left out are not applied. Documents and decompressed bytes are
 * properties of the file (a reprocess with the same budget gives the same
 * verdict); the analysis time also depends on the machine and its load.
 */
export interface AnalysisBudget {
  /** Records (documents, skipped ones included) read from the file. DATASET_MAX_DOCUMENTS. */
  maxDocuments?: number;
  /** Bytes after decompression. DATASET_MAX_DECOMPRESSED_BYTES. */
  maxDecompressedBytes?: number;
  /** Wall-clock time of the analysis, in ms. DATASET_MAX_ANALYSIS_SECONDS × 1000. */
  maxAnalysisMs?: number;
}

export const PROCESSING_BUDGET_EXCEEDED = 'processing_budget_exceeded';

/** Why the dataset is over its budget, or undefined while it is within it. */
function overBudget(budget: AnalysisBudget, documents: number, decompressedBytes: number, elapsedMs: number): SourceRejection | undefined {
  const hint = 'Split the file into smaller datasets and upload them one by one.';
  if (budget.maxDocuments !== undefined && documents > budget.maxDocuments) {
    return {
      reason: PROCESSING_BUDGET_EXCEEDED,
      message: `The file holds more than ${budget.maxDocuments} records, the most one dataset may hold (DATASET_MAX_DOCUMENTS). ${hint}`,
    };
  }
  if (budget.maxDecompressedBytes !== undefined && decompressedBytes > budget.maxDecompressedBytes) {
    return {
      reason: PROCESSING_BUDGET_EXCEEDED,
      message: `The file decompresses to more than ${budget.maxDecompressedBytes} bytes, the most one dataset may hold (DATASET_MAX_DECOMPRESSED_BYTES). ${hint}`,
    };
  }
  if (budget.maxAnalysisMs !== undefined && elapsedMs > budget.maxAnalysisMs) {
    return {
      reason: PROCESSING_BUDGET_EXCEEDED,
      message: `Processing the file took longer than ${Math.round(budget.maxAnalysisMs / 1000)} s, the most one dataset may take (DATASET_MAX_ANALYSIS_SECONDS); ${documents} records were read by then. ${hint}`,
    };
  }
  return undefined;
}

/** Thrown inside the analysis loop; becomes the dataset's rejection. */
class BudgetExceeded extends Error {
  constructor(readonly rejection: SourceRejection) {
    super(rejection.message);
  }
}

interface Batch {
  /** Pre-decided results (skipped records) by position; null where the worker's answer goes. */
  slots: Array<DocumentResult | null>;
  results: Promise<DocumentResult[]>;
  /** Per text sent (deps.topical only): whether it matches the data request. */
  topical?: boolean[];
  /** Per slot: the archive member the record comes from, if any. */
  members: Array<string | undefined>;
}

/**
 * ANALYSE: streams an upload's documents through the worker pool (many
 * batches in flight, bounded, so memory stays flat) and spills the
 * per-document results, in upload order, to a temporary file. Independent
 * of the pool of earlier datasets, so it may run before the upload's turn.
 *
 * A processDocument failure (a bug, deterministic for that input) is thrown
 * as DocumentBatchError; an unreadable file gives {kind: 'unreadable'}.
 */
export async function analyseDataset(upload: DatasetUploadedData, deps: AnalyseDeps): Promise<DatasetAnalysis> {
  const { pool } = deps;
  const batchDocuments = deps.batchDocuments ?? 128;
  const batchChars = deps.batchChars ?? 1 << 20;
  const maxInFlight = pool.size * 2 + 1;
  const progress: DatasetProgress = { documentsDone: 0, bytesRead: 0, totalBytes: upload.sizeBytes };
  const spill = await AnalysisSpill.create(deps.tmpDir);
  const inFlight: Batch[] = [];
  let documentsIn = 0;
  const budget = deps.budget ?? {};
  const startedAt = Date.now();
  let source: Awaited<ReturnType<DocumentSourceFactory>> | undefined;
  const checkBudget = (): void => {
    const p = source?.progress;
    const over = overBudget(budget, documentsIn, p?.decompressedBytesRead ?? p?.compressedBytesRead ?? 0, Date.now() - startedAt);
    if (over) throw new BudgetExceeded(over);
  };

  const settle = async (b: Batch): Promise<void> => {
    const answered = await b.results;
    let k = 0;
    const merged = b.slots.map((s, j): SpilledResult => {
      const member = b.members[j];
      if (s) return member !== undefined ? { ...s, member } : s;
      const i = k++;
      const r = answered[i];
      const topical = b.topical !== undefined && b.topical[i] === true;
      const out = r.kept && topical ? { ...r, topical } : r;
      return member !== undefined ? { ...out, member } : out;
    });
    await spill.write(merged);
    progress.documentsDone += merged.length;
    deps.onProgress?.({ ...progress });
  };

  let slots: Array<DocumentResult | null> = [];
  let members: Array<string | undefined> = [];
  let texts: string[] = [];
  let names: Array<string | undefined> = [];
  let topical: boolean[] | undefined = deps.topical ? [] : undefined;
  let chars = 0;
  const submit = async (): Promise<void> => {
    if (slots.length === 0) return;
    const results = pool.process(texts, names);
    // Settled in order below; a rejection here must not surface as unhandled meanwhile.
    results.catch(() => undefined);
    inFlight.push({ slots, results, members, ...(topical ? { topical } : {}) });
    slots = [];
    members = [];
    texts = [];
    names = [];
    topical = deps.topical ? [] : undefined;
    chars = 0;
    while (inFlight.length >= maxInFlight) await settle(inFlight.shift()!);
  };

  try {
    source = await deps.openSource(upload, deps.blobs);
    for await (const rec of source.records) {
      if (deps.aborted?.()) throw new JobAbortedError(`processing of ${upload.datasetId} stopped`);
      checkBudget();
      if (rec.index !== undefined && rec.index !== documentsIn) {
        // The report and the manifest name documents by position: a gap or reordering would misname every later one.
        throw new Error(`record ${rec.index} of ${upload.datasetId} arrived at position ${documentsIn}`);
      }
      documentsIn += 1;
      if (documentsIn > (budget.maxDocuments ?? Infinity)) checkBudget();
      members.push(rec.member);
      if (rec.text === undefined) {
        const reason = rec.skip ?? 'unreadable_record';
        slots.push(rec.detail !== undefined ? { kept: false, reason, detail: rec.detail } : { kept: false, reason });
      } else {
        slots.push(null);
        texts.push(rec.text);
        topical?.push(deps.topical!(rec.text));
        // The classifier looks at the name first: the member's inside an archive, else the uploaded file's.
        names.push(rec.member ?? upload.fileName);
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
      checkBudget();
      await settle(inFlight.shift()!);
    }
    await spill.finish();
    progress.bytesRead = source.progress.compressedBytesRead;
    deps.onProgress?.({ ...progress });
  } catch (e) {
    await Promise.allSettled(inFlight.map((b) => b.results));
    await spill.discard();
    if (e instanceof BudgetExceeded) return { kind: 'unreadable', rejection: e.rejection };
    const rejection = e instanceof DocumentBatchError || e instanceof JobAbortedError ? undefined : asSourceRejection(e);
    if (rejection) return { kind: 'unreadable', rejection };
    throw e;
  }
  return { kind: 'analysed', documentsIn, spill };
}
