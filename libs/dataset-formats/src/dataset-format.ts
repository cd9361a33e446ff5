import { DatasetFormatError } from './dataset-format.error';

/** `markdown` (.md, .markdown): the whole file is one document. */
export type DocumentFormat = 'txt' | 'markdown' | 'jsonl' | 'csv' | 'parquet';
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
};
const COMPRESSIONS: Record<string, Compression> = { gz: 'gzip', gzip: 'gzip', zst: 'zstd', zstd: 'zstd' };

/** Format from the file name: `<name>.<format>[.gz|.zst]`, case-insensitive. */
export function detectFormat(fileName: string): DetectedFormat {
  const parts = fileName.toLowerCase().split(/[\\/]/).pop()!.split('.');
  let compression: Compression = 'none';
  let ext = parts.length > 1 ? parts.pop()! : '';
  if (COMPRESSIONS[ext] && parts.length > 1) {
    compression = COMPRESSIONS[ext];
    ext = parts.pop()!;
  }
  const format = parts.length >= 1 ? FORMATS[ext] : undefined;
  if (!format) {
    throw new DatasetFormatError(
      'unsupported_format',
      `Unsupported file type: ${JSON.stringify(fileName)}`,
      {},
      'Name the file .txt, .md, .markdown, .jsonl, .csv or .parquet, optionally followed by .gz or .zst.',
    );
  }
  return { format, compression };
}
