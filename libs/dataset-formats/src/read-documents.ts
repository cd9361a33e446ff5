import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { type ArchiveMember, isUnsafeMemberPath, memberReading, tarMembers, zipMembers } from './archive';
import { readCsv } from './csv.reader';
import { DetectedFormat, detectFormat } from './dataset-format';
import { DatasetFormatError, MALFORMED_SKIP_REASONS, SkipReason } from './dataset-format.error';
import { countSource, decompress } from './decompression';
import type { FormatRecord } from './format-record';
import { readJsonl } from './jsonl.reader';
import { splitLines } from './line-splitter';
import { readParquet } from './parquet-in-worker';
import { DEFAULT_READ_LIMITS, ReadLimits, ReadProgress } from './read-limits';
import { readTxt, type TextSplit } from './txt.reader';
import { decodeUtf8 } from './utf8-text';

export interface DatasetSource {
  /** Opens the stored bytes from the start (e.g. `() => blobStore.getStream(ref)`). Called once. */
  open(): Readable | AsyncIterable<Uint8Array> | Promise<Readable | AsyncIterable<Uint8Array>>;
  /** A local path to the same bytes, when there is one (lets Parquet skip the temporary copy). */
  path?: string;
  /** The uploaded file name: decides the format (`.jsonl.gz`, …). */
  fileName: string;
  /** Field (.jsonl) or column (.csv, .parquet) holding the text. Default `text`. Ignored for .txt. */
  textField?: string;
  /** .txt only: document (the whole file), paragraph (blank-line separated; the default here, as before issue #13) or line. */
  split?: TextSplit;
}

export interface DatasetDocument {
  /** 0-based position of the record in the file; skipped records keep their index (so indexes may have gaps). */
  index: number;
  text: string;
  /** 1-based line where the document starts (CSV: where the record ends); absent for Parquet. */
  line?: number;
  /** Byte offset of the document in the decompressed content (txt, jsonl). */
  byteOffset?: number;
  /** Archives: the member path (line and byteOffset are then within the member). */
  member?: string;
}

export interface SkippedRecord {
  index: number;
  reason: SkipReason;
  line?: number;
  byteOffset?: number;
  member?: string;
}

export interface ReadSummary extends ReadProgress {
  format: DetectedFormat;
  textField: string;
  /** Skipped records per reason (only reasons that occurred). */
  skipped: Partial<Record<SkipReason, number>>;
  /** Skipped records that count toward the rejection threshold (all but empty documents). */
  malformed: number;
  /** The first skipped records (up to 100), to show the contributor where. */
  skippedSamples: SkippedRecord[];
  /** True once the whole file was read without a rejection. */
  complete: boolean;
}

export interface ReadOptions extends Partial<ReadLimits> {
  /** Called for every skipped record, in order (e.g. to write it into the per-document report). */
  onSkip?: (record: SkippedRecord) => void;
}

const SAMPLE_LIMIT = 100;
/** Whole-file refusals that, for one archive member, only mean the member is not text. */
const MEMBER_NOT_TEXT: ReadonlySet<string> = new Set(['binary_content', 'invalid_utf8', 'invalid_utf16']);

/**
 * Streams the documents of an uploaded dataset. Iterate it once; a
 * whole-file problem is thrown from the iteration as a DatasetFormatError
 * (possibly after documents were already yielded: the caller must then drop
 * what it got from this file and reject the dataset). Errors of the source
 * itself (I/O, a store going away) are rethrown unchanged: retry those.
 */
export class DocumentReader implements AsyncIterable<DatasetDocument> {
  readonly format: DetectedFormat;
  readonly limits: ReadLimits;
  private readonly state: ReadSummary;
  private started = false;

  constructor(
    private readonly source: DatasetSource,
    private readonly options: ReadOptions = {},
  ) {
    this.format = detectFormat(source.fileName);
    const { onSkip: _onSkip, ...limits } = options;
    this.limits = { ...DEFAULT_READ_LIMITS, ...stripUndefined(limits) };
    this.state = {
      format: this.format,
      textField: source.textField ?? 'text',
      compressedBytesRead: 0,
      decompressedBytesRead: 0,
      records: 0,
      documents: 0,
      peakBufferedBytes: 0,
      skipped: {},
      malformed: 0,
      skippedSamples: [],
      complete: false,
    };
  }

  /** Live counters: read them from another task for progress reporting. */
  get progress(): Readonly<ReadProgress> {
    return this.state;
  }

  /** Counts so far; final once iteration has ended (`complete` tells whether it ended well). */
  get summary(): Readonly<ReadSummary> {
    return this.state;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<DatasetDocument> {
    if (this.started) throw new Error('A DocumentReader can be iterated only once');
    this.started = true;
    const s = this.state;
    const limits = this.limits;
    for await (const rec of this.records()) {
      const index = s.records++;
      let reason = rec.skip;
      if (!reason && rec.text !== undefined) {
        const bytes = rec.byteLength ?? utf8Length(rec.text, limits.maxDocumentBytes);
        if (bytes > limits.maxDocumentBytes) reason = 'document_too_large';
        else if (rec.text.trim().length === 0) reason = 'empty_document';
      }
      if (reason) {
        const skipped: SkippedRecord = { index, reason, line: rec.line, byteOffset: rec.byteOffset };
        if (rec.member !== undefined) skipped.member = rec.member;
        this.skip(skipped);
        continue;
      }
      s.documents++;
      const doc: DatasetDocument = { index, text: rec.text! };
      if (rec.line !== undefined) doc.line = rec.line;
      if (rec.byteOffset !== undefined) doc.byteOffset = rec.byteOffset;
      if (rec.member !== undefined) doc.member = rec.member;
      yield doc;
    }
    const judged = s.records - (s.skipped.empty_document ?? 0);
    if (s.malformed >= limits.minMalformedForRatio && s.malformed > limits.maxMalformedRatio * judged) {
      throw this.tooManyMalformed(`${s.malformed} of ${judged} records are malformed (more than ${limits.maxMalformedRatio * 100}%)`);
    }
    s.complete = true;
  }

  private skip(rec: SkippedRecord): void {
    const s = this.state;
    s.skipped[rec.reason] = (s.skipped[rec.reason] ?? 0) + 1;
    if (s.skippedSamples.length < SAMPLE_LIMIT) s.skippedSamples.push(rec);
    this.options.onSkip?.(rec);
    if (MALFORMED_SKIP_REASONS.has(rec.reason)) {
      s.malformed++;
      if (s.malformed > this.limits.maxMalformedRecords) {
        throw this.tooManyMalformed(`More than ${this.limits.maxMalformedRecords} malformed records`, rec.line, rec.byteOffset);
      }
    }
  }

  private tooManyMalformed(message: string, line?: number, byteOffset?: number): DatasetFormatError {
    const counts = Object.entries(this.state.skipped)
      .map(([r, n]) => `${r}: ${n}`)
      .join(', ');
    return new DatasetFormatError(
      'too_many_malformed_records',
      `${message} (${counts})`,
      line !== undefined || byteOffset !== undefined ? { line, byteOffset } : {},
      'Fix the broken records; the first ones are listed in the rejection details.',
    );
  }

  private async *records(): AsyncGenerator<FormatRecord> {
    const { format, compression } = this.format;
    const limits = this.limits;
    const s = this.state;
    const textField = s.textField;
    if (format === 'parquet') {
      if (this.source.path && compression === 'none') {
        yield* readParquet(this.source.path, textField, limits, s);
        return;
      }
      yield* this.spooledParquet();
      return;
    }
    if (format === 'zip') {
      yield* this.zipRecords();
      return;
    }
    const raw = countSource(asIterable(await this.source.open()), s, compression !== 'none');
    if (format === 'tar') {
      yield* this.archiveRecords(tarMembers(decompress(raw, compression, limits, s)));
      return;
    }
    const text = decodeUtf8(decompress(raw, compression, limits, s), limits, s);
    if (format === 'csv') {
      yield* readCsv(text, textField, { maxRecordChars: limits.maxDocumentBytes, maxColumns: limits.maxCsvColumns }, s);
      return;
    }
    const lines = splitLines(text, limits.maxDocumentBytes, s);
    if (format === 'jsonl') yield* readJsonl(lines, textField);
    else
      yield* readTxt(
        lines,
        limits.maxDocumentBytes,
        (n) => (s.peakBufferedBytes = Math.max(s.peakBufferedBytes, n)),
        format === 'markdown' ? 'document' : (this.source.split ?? 'paragraph'),
      );
  }

  /**
   * The records of an archive's members, in archive order. Each member is
   * judged by its name (memberReading) and, once read, by its bytes (a
   * binary or non-UTF-8 member is skipped `archive_member_not_text`).
   * Members that are not read are counted skips carrying their path; the
   * archive is rejected only when it is itself unreadable or a bomb.
   */
  private async *archiveRecords(members: AsyncIterable<ArchiveMember>): AsyncGenerator<FormatRecord> {
    const limits = this.limits;
    const s = this.state;
    for await (const m of members) {
      const member = m.path;
      if (m.kind === 'directory') continue;
      let skip: SkipReason | undefined;
      const reading = memberReading(member);
      if (m.kind !== 'file' || isUnsafeMemberPath(member)) skip = 'archive_member_unsafe';
      else if (m.encrypted) skip = 'archive_member_encrypted';
      else if (m.unsupportedMethod !== undefined) skip = 'archive_member_unsupported';
      else if (reading === 'nested') skip = 'archive_member_nested';
      else if (reading === 'not_text') skip = 'archive_member_not_text';
      if (skip) {
        yield { skip, member };
        continue;
      }
      const text = decodeUtf8(m.body(), limits, s);
      let records: AsyncIterable<FormatRecord>;
      if (reading === 'csv') {
        records = readCsv(text, s.textField, { maxRecordChars: limits.maxDocumentBytes, maxColumns: limits.maxCsvColumns }, s);
      } else {
        const lines = splitLines(text, limits.maxDocumentBytes, s);
        records =
          reading === 'jsonl'
            ? readJsonl(lines, s.textField)
            : readTxt(lines, limits.maxDocumentBytes, (n) => (s.peakBufferedBytes = Math.max(s.peakBufferedBytes, n)), 'document');
      }
      let any = false;
      try {
        for await (const rec of records) {
          any = true;
          yield { ...rec, member };
        }
        // An empty member is one empty document, counted like an empty .txt record.
        if (!any && reading === 'document') yield { skip: 'empty_document', member };
      } catch (e) {
        if (!(e instanceof DatasetFormatError) || !MEMBER_NOT_TEXT.has(e.reason)) throw e;
        yield { skip: 'archive_member_not_text', member };
      }
    }
  }

  /** ZIP needs random access: the stored file's path, or a temporary copy of the (still compressed) archive. */
  private async *zipRecords(): AsyncGenerator<FormatRecord> {
    const s = this.state;
    let tmp: string | undefined;
    let file = this.source.path;
    if (!file) {
      tmp = path.join(this.limits.tmpDir ?? os.tmpdir(), `1tt-zip-${randomUUID()}.zip`);
      const out = await fs.open(tmp, 'wx');
      try {
        for await (const chunk of countSource(asIterable(await this.source.open()), s, true)) await out.write(chunk);
      } finally {
        await out.close();
      }
      file = tmp;
    }
    try {
      const handle = await fs.open(file, 'r');
      try {
        const { size } = await handle.stat();
        yield* this.archiveRecords(zipMembers({ handle, size }, this.limits, s, tmp === undefined));
      } finally {
        await handle.close();
      }
    } finally {
      if (tmp) await fs.rm(tmp, { force: true });
    }
  }

  /** Parquet needs random access: decompress (bomb rule applies) or copy into a temporary file first. */
  private async *spooledParquet(): AsyncGenerator<FormatRecord> {
    const s = this.state;
    const dir = this.limits.tmpDir ?? os.tmpdir();
    const tmp = path.join(dir, `1tt-parquet-${randomUUID()}.parquet`);
    const fh = await fs.open(tmp, 'wx');
    try {
      try {
        const raw = countSource(asIterable(await this.source.open()), s, this.format.compression !== 'none');
        for await (const chunk of decompress(raw, this.format.compression, this.limits, s)) await fh.write(chunk);
      } finally {
        await fh.close();
      }
      // The spooled bytes are read again by the Parquet reader; count the file once.
      const spooled = { c: s.compressedBytesRead, d: s.decompressedBytesRead };
      const progressView: ReadProgress = s;
      yield* readParquet(tmp, s.textField, this.limits, {
        get compressedBytesRead() {
          return spooled.c;
        },
        set compressedBytesRead(_v: number) {},
        get decompressedBytesRead() {
          return spooled.d;
        },
        set decompressedBytesRead(_v: number) {},
        get records() {
          return progressView.records;
        },
        get documents() {
          return progressView.documents;
        },
        get peakBufferedBytes() {
          return progressView.peakBufferedBytes;
        },
        set peakBufferedBytes(v: number) {
          progressView.peakBufferedBytes = v;
        },
      } as ReadProgress);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }
}

/** Shorthand for `new DocumentReader(source, options)`. Throws `unsupported_format` at once for an unknown extension. */
export function readDocuments(source: DatasetSource, options?: ReadOptions): DocumentReader {
  return new DocumentReader(source, options);
}

function asIterable(r: Readable | AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return r as AsyncIterable<Uint8Array>;
}

/** UTF-8 length, computed only when the UTF-16 length cannot already decide against the limit. */
function utf8Length(text: string, limit: number): number {
  if (text.length * 3 <= limit) return text.length;
  return Buffer.byteLength(text);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
