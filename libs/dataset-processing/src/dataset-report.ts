import { createReadStream, createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BlobStore, PutResult } from '@1tt/blob-store';
import type { DocumentLabels, DocumentOutcome } from '@1tt/preprocessing';

export const REPORT_FORMAT = '1tt.dataset-report.v1';

/**
 * The per-dataset report blob: NDJSON, a header line then one line per
 * document of the upload, in upload order. It is internal (auditors,
 * admins, the job runner): it names what a duplicate duplicates. The
 * contributor-facing report route strips `duplicateOf`, `exactHash` and
 * `signature`.
 *
 * Kept lines carry the exact hash and the MinHash signature (base64 of the
 * little-endian Uint32Array), so the dedup index can be rebuilt from the
 * reports of the accepted datasets alone, in log order: that rebuild IS the
 * index's persistence (see DatasetProcessor).
 */
export interface ReportHeader {
  format: typeof REPORT_FORMAT;
  datasetId: string;
  pipeline: { name: string; version: string; configHash: string };
}

export interface ReportLine {
  index: number;
  kept: boolean;
  tokens: number;
  reason?: string;
  detail?: string;
  exactHash?: string;
  signature?: string;
  duplicateOf?: { datasetId: string; documentIndex: number; sameDataset: boolean; jaccard?: number };
  /** Routed pipelines (v2) only: ISO 639-1 (else 639-3) from lid.176, 'zxx' for code; absent when removed before identification. */
  language?: string;
  languageScore?: number;
  /** prose | markdown | code | reference (see classifyContent). */
  contentClass?: string;
  /** The pipeline route whose rules were applied. */
  route?: string;
  /** The block whose rule removed the document. */
  block?: string;
  /** Archive member path the document comes from. */
  member?: string;
}

export interface LineExtras {
  labels?: DocumentLabels;
  block?: string;
  member?: string;
}

export function reportLineOf(o: DocumentOutcome, signature: Uint32Array | null, extras: LineExtras = {}): ReportLine {
  if (o.kept) {
    const line: ReportLine = { index: o.index, kept: true, tokens: o.tokens, exactHash: o.exactHash };
    if (signature) line.signature = Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64');
    return withExtras(line, extras);
  }
  const line: ReportLine = withExtras({ index: o.index, kept: false, tokens: 0, reason: o.reason }, extras);
  if (o.detail !== undefined) line.detail = o.detail;
  if (o.duplicateOf) {
    const d = o.duplicateOf;
    line.duplicateOf = {
      datasetId: d.datasetId,
      documentIndex: d.documentIndex,
      sameDataset: d.sameDataset,
      ...(d.jaccard !== undefined ? { jaccard: d.jaccard } : {}),
    };
  }
  return line;
}

function withExtras(line: ReportLine, x: LineExtras): ReportLine {
  if (x.member !== undefined) line.member = x.member;
  if (x.labels) {
    line.language = x.labels.language;
    line.languageScore = Math.round(x.labels.languageScore * 10000) / 10000;
    line.contentClass = x.labels.contentClass;
    line.route = x.labels.route;
  }
  if (!line.kept && x.block !== undefined) line.block = x.block;
  return line;
}

export function signatureOf(line: ReportLine): Uint32Array | null {
  if (!line.signature) return null;
  const b = Buffer.from(line.signature, 'base64');
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return new Uint32Array(copy.buffer);
}

/** Writes a report to a temporary file (flat memory), then stores it as one blob. */
/** Prefix of the temporary directory a report is written in before it is stored. */
export const REPORT_TEMP_PREFIX = '1tt-report-';

export class ReportWriter {
  private constructor(
    private readonly file: string,
    private readonly out: WriteStream,
  ) {}

  static async open(header: ReportHeader, tmpDir = os.tmpdir()): Promise<ReportWriter> {
    // The pid in the name lets a later start remove what a killed process left (AnalysisSpill.sweepOrphans).
    const dir = await fsp.mkdtemp(path.join(tmpDir, `${REPORT_TEMP_PREFIX}${process.pid}-`));
    const file = path.join(dir, 'report.ndjson');
    const w = new ReportWriter(file, createWriteStream(file));
    await w.write(header);
    return w;
  }

  write(line: ReportLine | ReportHeader): Promise<void> {
    if (this.out.write(JSON.stringify(line) + '\n')) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  async store(blobs: BlobStore): Promise<PutResult> {
    await new Promise<void>((resolve, reject) => this.out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    try {
      return await blobs.putStream(createReadStream(this.file));
    } finally {
      await this.discard();
    }
  }

  async discard(): Promise<void> {
    // Writes still queued fail with ERR_STREAM_DESTROYED as an 'error' event: expected here, the file is dropped.
    this.out.on('error', () => undefined);
    this.out.destroy();
    await fsp.rm(path.dirname(this.file), { recursive: true, force: true });
  }
}

/** Streams a stored report: the header, then the lines. */
export async function* readReport(blobs: BlobStore, ref: string): AsyncGenerator<ReportHeader | ReportLine> {
  const stream: Readable = await blobs.getStream(ref);
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const text of rl) if (text) yield JSON.parse(text) as ReportHeader | ReportLine;
  } finally {
    rl.close();
    stream.destroy();
  }
}

export function isReportHeader(x: ReportHeader | ReportLine): x is ReportHeader {
  return (x as ReportHeader).format === REPORT_FORMAT;
}
