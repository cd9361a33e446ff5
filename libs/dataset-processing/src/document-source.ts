import type { BlobStore } from '@1tt/blob-store';
import type { DatasetUploadedData } from './dataset-events';

/** One record of an upload, in upload order: a document's text, or why it was skipped. */
export interface SourceRecord {
  /** 0-based position in the file, skipped records included; when given, the job checks it matches the record's place. */
  index?: number;
  text?: string;
  skip?: string;
  /** Where the skipped record is (e.g. `at line 3, byte offset 120`), shown in the report. */
  detail?: string;
  /** Archive member path the record comes from: shown in the report (`member`) and read by the content classifier. */
  member?: string;
}

/** Live counters of a read, for progress. */
export interface SourceProgress {
  /** Bytes of the stored file read so far. */
  compressedBytesRead: number;
  /** Bytes after decompression (equal to compressedBytesRead for an uncompressed file), when the source knows them. */
  decompressedBytesRead?: number;
}

export interface OpenedSource {
  records: AsyncIterable<SourceRecord>;
  progress: SourceProgress;
}

/**
 * Opens the documents of a stored upload. Production wiring passes
 * @1tt/dataset-formats' reader (createFormatSource); a whole-file
 * refusal is thrown as an error carrying `reason` (and line/byteOffset/row),
 * which becomes DatasetRejected.
 */
export type DocumentSourceFactory = (upload: DatasetUploadedData, blobs: BlobStore) => Promise<OpenedSource>;

/** A whole-file refusal from a reader, recognised by shape (DatasetFormatError has these fields). */
export interface SourceRejection {
  reason: string;
  message: string;
  line?: number;
  byteOffset?: number;
  row?: number;
}

export function asSourceRejection(e: unknown): SourceRejection | undefined {
  if (!(e instanceof Error)) return undefined;
  const x = e as Error & Partial<SourceRejection> & { kind?: string };
  if (x.kind !== 'validation' || typeof x.reason !== 'string') return undefined;
  return { reason: x.reason, message: x.message, line: x.line, byteOffset: x.byteOffset, row: x.row };
}
