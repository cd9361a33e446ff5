import { createWriteStream, promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable, pipeline as pipeStreams } from 'node:stream';
import { pipeline as pump } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse';
import { Decompress } from 'fzstd';
import type { BlobStore } from '@1tt/blob-store';
import { ValidationError } from '@1tt/domain-errors';
import type { DatasetUploadedData } from './dataset-events';
import type { DocumentSourceFactory, OpenedSource, SourceProgress, SourceRecord } from './document-source';

/**
 * Reads a stored upload as documents: .txt (blank-line separated), .jsonl
 * (text field), .csv (text column), .parquet (text column, one row group at
 * a time), each optionally gzip or zstd compressed. Streaming throughout.
 *
 * WHY HERE: @1tt/dataset-formats was meant to provide these readers but
 * exported none when this was written; this is the stand-in, with the same
 * rejection codes. Replace its body by a call to that lib once it lands.
 *
 * Malformed-input rule: a whole-file fault (invalid UTF-8, binary content,
 * truncated or corrupt compression, a decompression bomb, a CSV without the
 * text column or broken CSV, unreadable Parquet) rejects the dataset with a
 * reason and line/byte offset; a bad record (a .jsonl line that is not JSON
 * or lacks the text field, an oversized document) is skipped, counted under
 * its reason in the report, unless there are more than maxMalformed of them
 * or they are over 10% of the records, which rejects the file
 * (too_many_malformed_records).
 */
export interface FormatSourceLimits {
  maxDocumentBytes: number;
  maxCompressionRatio: number;
  compressionRatioGraceBytes: number;
  maxDecompressedBytes: number;
  maxMalformed: number;
  maxMalformedRatio: number;
  tmpDir: string;
}

export const DEFAULT_FORMAT_SOURCE_LIMITS: FormatSourceLimits = {
  maxDocumentBytes: 16 * 1024 * 1024,
  maxCompressionRatio: 100,
  compressionRatioGraceBytes: 64 * 1024 * 1024,
  maxDecompressedBytes: 64 * 1024 ** 3,
  maxMalformed: 1000,
  maxMalformedRatio: 0.1,
  tmpDir: os.tmpdir(),
};

export class FormatRejection extends ValidationError {
  constructor(
    readonly reason: string,
    message: string,
    readonly where: { line?: number; byteOffset?: number; row?: number } = {},
  ) {
    super(reason, message, { field: 'file', context: { reason, ...where } });
  }
  get line() {
    return this.where.line;
  }
  get byteOffset() {
    return this.where.byteOffset;
  }
  get row() {
    return this.where.row;
  }
}

export function formatDocumentSource(overrides: Partial<FormatSourceLimits> = {}): DocumentSourceFactory {
  const limits = { ...DEFAULT_FORMAT_SOURCE_LIMITS, ...overrides };
  return async (upload: DatasetUploadedData, blobs: BlobStore): Promise<OpenedSource> => {
    const progress: SourceProgress = { compressedBytesRead: 0 };
    if (upload.format === 'parquet') return { progress, records: parquetRecords(upload, blobs, limits, progress) };
    const raw = await blobs.getStream(upload.blobRef);
    const bytes = decompressed(counted(raw, progress), upload.compression, limits, progress);
    const text = utf8Lines(bytes, limits);
    const textField = upload.textField ?? 'text';
    const records = upload.format === 'txt' ? txtRecords(text, limits) : upload.format === 'jsonl' ? jsonlRecords(text, textField) : csvRecords(bytes, textField, limits);
    return { progress, records: malformedGuard(records, limits) };
  };
}

async function* counted(raw: AsyncIterable<Buffer>, progress: SourceProgress): AsyncGenerator<Buffer> {
  for await (const c of raw) {
    progress.compressedBytesRead += c.length;
    yield c;
  }
}

async function* decompressed(raw: AsyncIterable<Buffer>, compression: string, limits: FormatSourceLimits, progress: SourceProgress): AsyncGenerator<Buffer> {
  if (compression === 'none') {
    yield* raw;
    return;
  }
  let out = 0;
  const check = (n: number) => {
    out += n;
    if (out > limits.maxDecompressedBytes || (out > limits.compressionRatioGraceBytes && out > limits.maxCompressionRatio * Math.max(1, progress.compressedBytesRead))) {
      throw new FormatRejection('decompression_bomb', `Decompressed size exceeds ${limits.maxCompressionRatio}x the compressed size`, { byteOffset: progress.compressedBytesRead });
    }
  };
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    const src = Readable.from(raw);
    // pipeline (not pipe) so that tearing down one side never writes into a destroyed stream; errors surface through the iteration below.
    pipeStreams(src, gunzip, () => undefined);
    try {
      for await (const c of gunzip as AsyncIterable<Buffer>) {
        check(c.length);
        yield c;
      }
    } catch (e) {
      if (e instanceof FormatRejection) throw e;
      const msg = (e as Error).message;
      const truncated = /unexpected end/i.test(msg);
      throw new FormatRejection(truncated ? 'truncated_compression' : 'corrupt_compression', `gzip: ${msg}`, { byteOffset: progress.compressedBytesRead });
    } finally {
      src.destroy();
      gunzip.destroy();
    }
    return;
  }
  const queue: Buffer[] = [];
  let ended = false;
  const z = new Decompress((chunk, final) => {
    queue.push(Buffer.from(chunk));
    if (final) ended = true;
  });
  try {
    for await (const c of raw) {
      z.push(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
      while (queue.length) {
        const b = queue.shift()!;
        check(b.length);
        yield b;
      }
    }
  } catch (e) {
    if (e instanceof FormatRejection) throw e;
    throw new FormatRejection('corrupt_compression', `zstd: ${(e as Error).message}`, { byteOffset: progress.compressedBytesRead });
  }
  try {
    z.push(new Uint8Array(0), true);
  } catch (e) {
    throw new FormatRejection('truncated_compression', `zstd: ${(e as Error).message}`, { byteOffset: progress.compressedBytesRead });
  }
  while (queue.length) {
    const b = queue.shift()!;
    check(b.length);
    yield b;
  }
  if (!ended) throw new FormatRejection('truncated_compression', 'zstd: the stream ends before its last frame', { byteOffset: progress.compressedBytesRead });
}

interface Line {
  text: string;
  line: number;
  byteOffset: number;
  bytes: number;
}

/** Splits bytes into lines after strict UTF-8 validation; the first 64 KiB are checked for binary content. */
async function* utf8Lines(bytes: AsyncIterable<Buffer>, limits: FormatSourceLimits): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let offset = 0;
  let lineNo = 1;
  let lineStart = 0;
  let pending = '';
  let sniffed = 0;
  for await (const chunk of bytes) {
    if (sniffed < 65536) {
      const head = chunk.subarray(0, 65536 - sniffed);
      let control = 0;
      for (const b of head) if (b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12)) control += 1;
      if (head.includes(0) || control > head.length * 0.1) throw new FormatRejection('binary_content', 'The file holds binary data, not text', { byteOffset: offset + sniffed });
      sniffed += head.length;
    }
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw new FormatRejection('invalid_utf8', 'The file is not valid UTF-8', { line: lineNo, byteOffset: offset });
    }
    offset += chunk.length;
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const t = pending.slice(0, nl).replace(/\r$/, '');
      const b = Buffer.byteLength(t);
      yield { text: t, line: lineNo, byteOffset: lineStart, bytes: b };
      lineStart += b + 1;
      lineNo += 1;
      pending = pending.slice(nl + 1);
    }
    if (pending.length > limits.maxDocumentBytes) throw new FormatRejection('document_too_large', `A line is longer than ${limits.maxDocumentBytes} bytes`, { line: lineNo, byteOffset: lineStart });
  }
  try {
    pending += decoder.decode();
  } catch {
    throw new FormatRejection('invalid_utf8', 'The file ends inside a UTF-8 character', { line: lineNo, byteOffset: offset });
  }
  if (pending.length) yield { text: pending.replace(/\r$/, ''), line: lineNo, byteOffset: lineStart, bytes: Buffer.byteLength(pending) };
}

async function* txtRecords(lines: AsyncIterable<Line>, limits: FormatSourceLimits): AsyncGenerator<SourceRecord> {
  let doc: string[] = [];
  let bytes = 0;
  let tooLarge = false;
  const flush = (): SourceRecord => {
    const r: SourceRecord = tooLarge ? { skip: 'document_too_large' } : { text: doc.join('\n') };
    doc = [];
    bytes = 0;
    tooLarge = false;
    return r;
  };
  for await (const l of lines) {
    if (l.text.trim() === '') {
      if (doc.length || tooLarge) yield flush();
      continue;
    }
    bytes += l.bytes + 1;
    if (bytes > limits.maxDocumentBytes) {
      tooLarge = true;
      doc = [];
    } else if (!tooLarge) doc.push(l.text);
  }
  if (doc.length || tooLarge) yield flush();
}

async function* jsonlRecords(lines: AsyncIterable<Line>, textField: string): AsyncGenerator<SourceRecord> {
  for await (const l of lines) {
    if (l.text.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(l.text);
    } catch {
      yield { skip: 'invalid_json' };
      continue;
    }
    const t = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[textField] : undefined;
    yield typeof t === 'string' ? { text: t } : { skip: 'missing_text_field' };
  }
}

async function* csvRecords(bytes: AsyncIterable<Buffer>, textField: string, limits: FormatSourceLimits): AsyncGenerator<SourceRecord> {
  // UTF-8 is validated on the way in (the parser would replace bad bytes silently).
  async function* validated(): AsyncGenerator<string> {
    for await (const l of utf8Lines(bytes, limits)) yield l.text + '\n';
  }
  const parser = parseCsv({ bom: true, relax_column_count: true, max_record_size: limits.maxDocumentBytes });
  const src = Readable.from(validated());
  pipeStreams(src, parser, () => undefined);
  let column = -1;
  try {
    for await (const row of parser as AsyncIterable<string[]>) {
      if (column < 0) {
        column = row.indexOf(textField);
        if (column < 0) throw new FormatRejection('missing_text_column', `The CSV header has no column "${textField}"`, { line: 1 });
        continue;
      }
      const t = row[column];
      yield typeof t === 'string' ? { text: t } : { skip: 'missing_text_field' };
    }
  } catch (e) {
    if (e instanceof FormatRejection) throw e;
    const err = e as Error & { lines?: number };
    throw new FormatRejection('invalid_csv', `CSV: ${err.message}`, { line: err.lines });
  } finally {
    src.destroy();
    parser.destroy();
  }
  if (column < 0) throw new FormatRejection('missing_text_column', `The CSV has no header with a column "${textField}"`, { line: 1 });
}

async function* malformedGuard(records: AsyncIterable<SourceRecord>, limits: FormatSourceLimits): AsyncGenerator<SourceRecord> {
  let total = 0;
  let bad = 0;
  for await (const r of records) {
    total += 1;
    if (r.skip && r.skip !== 'empty_document') {
      bad += 1;
      if (bad > limits.maxMalformed) throw new FormatRejection('too_many_malformed_records', `More than ${limits.maxMalformed} malformed records`, { line: undefined });
    }
    yield r;
  }
  if (total > 0 && bad / total > limits.maxMalformedRatio) {
    throw new FormatRejection('too_many_malformed_records', `${bad} of ${total} records are malformed (over ${limits.maxMalformedRatio * 100}%)`);
  }
}

async function* parquetRecords(upload: DatasetUploadedData, blobs: BlobStore, limits: FormatSourceLimits, progress: SourceProgress): AsyncGenerator<SourceRecord> {
  const textField = upload.textField ?? 'text';
  const { parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  let file = upload.compression === 'none' ? await blobs.localPath(upload.blobRef) : undefined;
  let spool: string | undefined;
  if (!file) {
    spool = await fsp.mkdtemp(path.join(limits.tmpDir, '1tt-parquet-'));
    file = path.join(spool, 'data.parquet');
    await pump(decompressed(counted(await blobs.getStream(upload.blobRef), progress), upload.compression, limits, progress), createWriteStream(file));
  }
  try {
    let buffer;
    let meta;
    try {
      buffer = await asyncBufferFromFile(file);
      meta = await parquetMetadataAsync(buffer);
    } catch (e) {
      throw new FormatRejection('unreadable_parquet', `Parquet: ${(e as Error).message}`);
    }
    if (!meta.schema.some((s) => s.name === textField)) throw new FormatRejection('missing_text_column', `The Parquet file has no column "${textField}"`);
    let rowStart = 0;
    for (const group of meta.row_groups) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = await parquetReadObjects({ file: buffer, metadata: meta, columns: [textField], rowStart, rowEnd });
      } catch (e) {
        throw new FormatRejection('unreadable_parquet', `Parquet: ${(e as Error).message}`, { row: rowStart });
      }
      for (const r of rows) {
        const t = r[textField];
        yield typeof t === 'string' ? { text: t } : { skip: 'missing_text_field' };
      }
      if (!spool) progress.compressedBytesRead = Math.round((rowEnd / Math.max(1, Number(meta.num_rows))) * upload.sizeBytes);
      rowStart = rowEnd;
    }
  } finally {
    if (spool) await fsp.rm(spool, { recursive: true, force: true });
  }
}

/** hyparquet's AsyncBuffer over a local file (random access reads; nothing held beyond the slice asked for). */
async function asyncBufferFromFile(file: string): Promise<{ byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> }> {
  const { size } = await fsp.stat(file);
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const fh = await fsp.open(file, 'r');
      try {
        const out = new Uint8Array(Math.max(0, end - start));
        await fh.read(out, 0, out.length, start);
        return out.buffer;
      } finally {
        await fh.close();
      }
    },
  };
}
