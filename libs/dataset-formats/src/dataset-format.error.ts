import { type KebabCase, ValidationError } from '@1tt/domain-errors';

/**
 * Why a whole file is refused. Stable codes: they end up in
 * `DatasetRejected.reason` and in the user documentation (README.md).
 */
export type RejectionReason =
  | 'unsupported_format'
  | 'invalid_utf8'
  | 'invalid_utf16'
  | 'binary_content'
  | 'truncated_compression'
  | 'corrupt_compression'
  | 'decompression_bomb'
  | 'missing_text_column'
  | 'invalid_csv'
  | 'csv_too_many_columns'
  | 'document_too_large'
  | 'unreadable_parquet'
  | 'parquet_row_group_too_large'
  | 'parquet_decode_stalled'
  | 'too_many_malformed_records'
  | 'invalid_archive';

/** The HTTP error code of a rejection reason (`unsupported_format` → `unsupported-format`). */
export type RejectionCode = KebabCase<RejectionReason>;

/** Why one record is skipped (and counted) while the rest of the file is read. */
export type SkipReason =
  | 'invalid_json'
  | 'missing_text_field'
  | 'document_too_large'
  | 'empty_document'
  /** Archive members that are not read (see archive.ts); none counts as malformed. */
  | 'archive_member_unsafe'
  | 'archive_member_encrypted'
  | 'archive_member_unsupported'
  | 'archive_member_nested'
  | 'archive_member_not_text';

/** Skip reasons that count as malformed toward the rejection threshold; empty documents do not. */
export const MALFORMED_SKIP_REASONS: ReadonlySet<SkipReason> = new Set(['invalid_json', 'missing_text_field', 'document_too_large']);

export interface RejectionLocation {
  /** 1-based line (text formats). */
  line?: number;
  /** 0-based byte offset in the decompressed content (or in the compressed file for compression errors). */
  byteOffset?: number;
  /** 0-based row (Parquet). */
  row?: number;
}

/**
 * The file as a whole cannot be accepted. A ValidationError (HTTP 400 when
 * raised synchronously, e.g. an unsupported extension at upload; a
 * `DatasetRejected` when raised while the worker reads the file).
 */
export class DatasetFormatError extends ValidationError {
  readonly line?: number;
  readonly byteOffset?: number;
  readonly row?: number;

  constructor(
    readonly reason: RejectionReason,
    message: string,
    where: RejectionLocation = {},
    hint?: string,
  ) {
    const at = [
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.row !== undefined ? `row ${where.row}` : undefined,
      where.byteOffset !== undefined ? `byte offset ${where.byteOffset}` : undefined,
    ].filter(Boolean);
    super(rejectionCode(reason), at.length ? `${message} (at ${at.join(', ')})` : message, {
      field: 'file',
      hint,
      context: { reason, ...where },
    });
    this.line = where.line;
    this.byteOffset = where.byteOffset;
    this.row = where.row;
  }
}

/**
 * The error code of a rejection reason: the reason kebab-cased. The reason
 * itself stays as it is, because it is recorded in `DatasetRejected` events.
 */
export function rejectionCode(reason: RejectionReason): RejectionCode {
  return reason.replace(/_/g, '-') as RejectionCode;
}

export function isDatasetFormatError(e: unknown): e is DatasetFormatError {
  return e instanceof DatasetFormatError;
}

/**
 * What a reader library's failure may tell the uploader: its own message
 * when it threw a plain Error on purpose ("parquet file invalid (footer !=
 * PAR1)"), never an internal JavaScript error from inside it (TypeError,
 * RangeError…: "Cannot read properties of undefined (reading 'map')"),
 * which says nothing about the file: then `plain`.
 */
export function plainCause(e: unknown, plain: string): string {
  if (!(e instanceof Error) || Object.getPrototypeOf(e) !== Error.prototype || !e.message) return plain;
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('ERR_')) return plain;
  // A library's own message about a value it failed to find ("unsupported encoding: undefined") is internal too.
  if (/\b(?:undefined|NaN|null)\b|\[object /.test(e.message)) return plain;
  return e.message.length > 300 ? `${e.message.slice(0, 300)}…` : e.message;
}
