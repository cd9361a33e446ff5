import { DatasetFormatError } from './dataset-format.error';

/**
 * `markdown` (.md, .markdown): the whole file is one document. `tar`
 * (.tar, .tar.gz, .tgz, .tar.zst, .tzst) and `zip`: archives whose members
 * are read one by one (see archive.ts).
 */
export type DocumentFormat = 'txt' | 'markdown' | 'jsonl' | 'csv' | 'parquet' | 'tar' | 'zip';
export type Compression = 'none' | 'gzip' | 'zstd';

export interface DetectedFormat {
  format: DocumentFormat;
  compression: Compression;
}

const FORMATS: Record<string, DocumentFormat> = {
  txt: 'txt',
  text: 'txt',
  md: 'markdown',
  markdown: 'markdown',
  jsonl: 'jsonl',
  ndjson: 'jsonl',
  csv: 'csv',
  parquet: 'parquet',
  tar: 'tar',
  zip: 'zip',
};
/** Single-extension names of compressed tar files. */
const TAR_SHORTHANDS: Record<string, Compression> = { tgz: 'gzip', tzst: 'zstd' };
const COMPRESSIONS: Record<string, Compression> = { gz: 'gzip', gzip: 'gzip', zst: 'zstd', zstd: 'zstd' };

/** Format from the file name: `<name>.<format>[.gz|.zst]`, case-insensitive. */
export function detectFormat(fileName: string): DetectedFormat {
  const parts = fileName.toLowerCase().split(/[\\/]/).pop()!.split('.');
  let compression: Compression = 'none';
  let ext = parts.length > 1 ? parts.pop()! : '';
  if (TAR_SHORTHANDS[ext] && parts.length >= 1) return { format: 'tar', compression: TAR_SHORTHANDS[ext] };
  if (COMPRESSIONS[ext] && parts.length > 1) {
    compression = COMPRESSIONS[ext];
    ext = parts.pop()!;
  }
  const format = parts.length >= 1 ? FORMATS[ext] : undefined;
  // A compressed ZIP is not something people make: refused rather than guessed at.
  if (!format || (format === 'zip' && compression !== 'none')) {
    throw new DatasetFormatError(
      'unsupported_format',
      `Unsupported file type: ${JSON.stringify(fileName)}`,
      {},
      'Name the file .txt, .md, .markdown, .jsonl, .csv, .parquet or .tar, optionally followed by .gz or .zst, or .tgz, .tzst or .zip.',
    );
  }
  return { format, compression };
}
