import { ValidationError } from '@1tt/domain-errors';
import type { DatasetCompression, DatasetFormat } from '@1tt/ledger';

export const ALLOWED_EXTENSIONS = ['.txt', '.jsonl', '.csv', '.parquet'] as const;
export const ALLOWED_COMPRESSIONS = ['.gz', '.zst'] as const;
const FORMATS: Record<string, DatasetFormat> = { txt: 'txt', jsonl: 'jsonl', csv: 'csv', parquet: 'parquet' };
const COMPRESSIONS: Record<string, DatasetCompression> = { gz: 'gzip', zst: 'zstd' };
const SAFE = /^[A-Za-z0-9 ._()+,=@\-\u00C0-\u024F]{1,200}$/;

export interface UploadFileName {
  fileName: string;
  format: DatasetFormat;
  compression: DatasetCompression;
}

/**
 * The name an upload is stored and shown under. A client-sent name is
 * untrusted: only its base name is kept (any directory part, `..` or drive
 * prefix goes), and what is left must be a plain, printable name with an
 * allowed extension. The name never reaches the file system (blobs are
 * named by their hash); it is still cleaned because it is shown back.
 */
export function uploadFileName(raw: string | undefined): UploadFileName {
  const base = (raw ?? '').split(/[\\/]/).pop()!.replace(/^[A-Za-z]:/, '').trim();
  if (!base || base === '.' || base === '..' || base.startsWith('.') || !SAFE.test(base)) {
    throw new ValidationError('dataset.invalid_file_name', `The file name ${JSON.stringify((raw ?? '').slice(0, 100))} is not acceptable`, {
      field: 'file',
      hint: 'Send a plain file name (letters, digits, spaces, . _ - ( ) + , = @; at most 200 characters) such as corpus.jsonl.gz.',
    });
  }
  const parts = base.toLowerCase().split('.');
  let compression: DatasetCompression = 'none';
  let ext = parts.length > 1 ? parts.pop()! : '';
  if (COMPRESSIONS[ext] && parts.length > 1) {
    compression = COMPRESSIONS[ext];
    ext = parts.pop()!;
  }
  const format = parts.length >= 1 ? FORMATS[ext] : undefined;
  if (!format) {
    throw new ValidationError('dataset.unsupported_format', `Unsupported file type: ${JSON.stringify(base)}`, {
      field: 'file',
      hint: `Allowed extensions: ${ALLOWED_EXTENSIONS.join(', ')}, each optionally followed by ${ALLOWED_COMPRESSIONS.join(' or ')}.`,
      context: { allowed: [...ALLOWED_EXTENSIONS], compressions: [...ALLOWED_COMPRESSIONS] },
    });
  }
  return { fileName: base, format, compression };
}
