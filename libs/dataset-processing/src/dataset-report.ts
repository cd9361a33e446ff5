import { createReadStream, createWriteStream, promises as fsp, type WriteStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { BlobStore, PutResult } from '@1tt/blob-store';
import type { DocumentLabels, DocumentOutcome } from '@1tt/preprocessing';

export const REPORT_FORMAT = '1tt.dataset-report.v1';
/** The index line near the end of a report (issue #20, M5): where each block of lines starts and what it holds. */
export const REPORT_INDEX_FORMAT = '1tt.dataset-report-index.v1';
/** Lines per indexed block: a report page reads at most a block or so more than it returns. */
export const REPORT_BLOCK_LINES = 1024;

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
 *
 * After the lines come an index line (REPORT_INDEX_FORMAT: per block of
 * REPORT_BLOCK_LINES lines, the first line's index, its byte offset and the
 * count of each reason, `kept` for kept lines) and a last line
 * `{"reportIndexAt":<byte offset of the index line>}`, so a page of the
 * report is read from its block on (readReportPage), never from the start.
 * Reports written before the index have neither line and are scanned.
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

/** One block of the index: first line's index, byte offset of that line, lines per reason (`kept` for kept lines). */
type IndexBlock = [first: number, at: number, counts: Record<string, number>];

interface ReportIndex {
  format: typeof REPORT_INDEX_FORMAT;
  blockLines: number;
  blocks: IndexBlock[];
}

/** The key a line is counted under in the index (and the `reason` filter of the report route): `kept` or its reason. */
export function reportLineKey(line: ReportLine): string {
  return line.kept ? 'kept' : (line.reason ?? '');
}

export class ReportWriter {
  private bytes = 0;
  private readonly blocks: IndexBlock[] = [];
  private linesInBlock = 0;

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
    if (!isReportHeader(line)) {
      if (this.linesInBlock === 0) this.blocks.push([line.index, this.bytes, {}]);
      const counts = this.blocks[this.blocks.length - 1][2];
      const key = reportLineKey(line);
      counts[key] = (counts[key] ?? 0) + 1;
      this.linesInBlock = (this.linesInBlock + 1) % REPORT_BLOCK_LINES;
    }
    return this.append(JSON.stringify(line) + '\n');
  }

  private append(text: string): Promise<void> {
    this.bytes += Buffer.byteLength(text);
    if (this.out.write(text)) return Promise.resolve();
    return new Promise((resolve) => this.out.once('drain', resolve));
  }

  async store(blobs: BlobStore): Promise<PutResult> {
    const indexAt = this.bytes;
    const index: ReportIndex = { format: REPORT_INDEX_FORMAT, blockLines: REPORT_BLOCK_LINES, blocks: this.blocks };
    await this.append(JSON.stringify(index) + '\n');
    await this.append(JSON.stringify({ reportIndexAt: indexAt }) + '\n');
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

/** Streams a stored report: the header, then the lines (the index lines at its end are left out). */
export async function* readReport(blobs: BlobStore, ref: string): AsyncGenerator<ReportHeader | ReportLine> {
  yield* readLines(await blobs.getStream(ref));
}

async function* readLines(stream: Readable): AsyncGenerator<ReportHeader | ReportLine> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const text of rl) {
      if (!text) continue;
      const x = JSON.parse(text) as ReportHeader | ReportLine | ReportIndex | { reportIndexAt: number };
      if ('reportIndexAt' in x || (x as ReportIndex).format === REPORT_INDEX_FORMAT) continue;
      yield x as ReportHeader | ReportLine;
    }
  } finally {
    rl.close();
    stream.destroy();
  }
}

export function isReportHeader(x: ReportHeader | ReportLine): x is ReportHeader {
  return (x as ReportHeader).format === REPORT_FORMAT;
}

/** Parsed indexes of recently read reports (blobs never change; an index is ≈ 50 bytes per 1,024 lines). */
const indexCache = new Map<string, { index: ReportIndex; indexAt: number } | null>();
const INDEX_CACHE_ENTRIES = 64;

async function readAllText(stream: Readable): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** The report's index, or null for a report written before reports had one. */
async function reportIndex(blobs: BlobStore, ref: string): Promise<{ index: ReportIndex; indexAt: number } | null> {
  if (indexCache.has(ref)) return indexCache.get(ref)!;
  const { sizeBytes } = await blobs.stat(ref);
  const tail = await readAllText(await blobs.getStream(ref, { start: Math.max(0, sizeBytes - 64) }));
  const last = tail.trimEnd().split('\n').pop() ?? '';
  let found: { index: ReportIndex; indexAt: number } | null = null;
  const m = /^\{"reportIndexAt":(\d+)\}$/.exec(last);
  if (m) {
    const indexAt = Number(m[1]);
    const text = await readAllText(await blobs.getStream(ref, { start: indexAt, end: sizeBytes - (last.length + 1) }));
    const index = JSON.parse(text) as ReportIndex;
    if (index.format === REPORT_INDEX_FORMAT && Array.isArray(index.blocks)) found = { index, indexAt };
  }
  if (indexCache.size >= INDEX_CACHE_ENTRIES) indexCache.delete(indexCache.keys().next().value!);
  indexCache.set(ref, found);
  return found;
}

export interface ReportPageQuery {
  /** Lines with an index above this one (-1: from the start). */
  after: number;
  limit: number;
  /** Only kept lines (`kept`) or lines removed for this reason. */
  reason?: string;
}

/**
 * A page of a stored report: the first `limit` lines after `after` (matching
 * `reason`), and whether more follow. With the report's index it reads only
 * the blocks that can hold such lines (a page costs about a block, whatever
 * the report's size); an old report without one is scanned from the start.
 */
export async function readReportPage(blobs: BlobStore, ref: string, q: ReportPageQuery): Promise<{ lines: ReportLine[]; more: boolean }> {
  const lines: ReportLine[] = [];
  const take = (line: ReportLine): boolean => {
    if (line.index <= q.after) return false;
    if (q.reason !== undefined && reportLineKey(line) !== q.reason) return false;
    lines.push(line);
    return lines.length > q.limit;
  };
  const indexed = await reportIndex(blobs, ref);
  if (!indexed) {
    for await (const line of readReport(blobs, ref)) if (!isReportHeader(line) && take(line)) break;
  } else {
    const { blocks } = indexed.index;
    // The first block that may hold a line after `after`.
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (blocks[mid][0] <= q.after + 1) lo = mid;
      else hi = mid - 1;
    }
    outer: for (let b = lo; b < blocks.length; b++) {
      const [, at, counts] = blocks[b];
      if (q.reason !== undefined && !counts[q.reason]) continue;
      const end = b + 1 < blocks.length ? blocks[b + 1][1] : indexed.indexAt;
      for await (const line of readLines(await blobs.getStream(ref, { start: at, end }))) {
        if (!isReportHeader(line) && take(line)) break outer;
      }
    }
  }
  const more = lines.length > q.limit;
  if (more) lines.length = q.limit;
  return { lines, more };
}
