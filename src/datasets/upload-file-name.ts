import { ValidationError } from '@1tt/domain-errors';
import { detectFormat, isDatasetFormatError, type DetectedFormat } from '@1tt/dataset-formats';
import type { DatasetCompression, DatasetFormat } from '@1tt/ledger';

export const ALLOWED_EXTENSIONS = ['.txt', '.md', '.markdown', '.jsonl', '.csv', '.parquet', '.tar', '.tgz', '.tzst', '.zip'] as const;
export const ALLOWED_COMPRESSIONS = ['.gz', '.zst'] as const;
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
 * extension @1tt/dataset-formats reads (detectFormat, the rule the worker
 * applies too). The name never reaches the file system (blobs are
 * named by their hash); it is still cleaned because it is shown back.
 */
export function uploadFileName(raw: string | undefined): UploadFileName {
  const base = (raw ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/^[A-Za-z]:/, '')
    .trim();
  if (!base || base === '.' || base === '..' || base.startsWith('.') || !SAFE.test(base)) {
    throw new ValidationError('dataset-invalid-file-name', `The file name ${JSON.stringify((raw ?? '').slice(0, 100))} is not acceptable`, {
      field: 'file',
      hint: 'Send a plain file name (letters, digits, spaces, . _ - ( ) + , = @; at most 200 characters) such as corpus.jsonl.gz.',
    });
  }
  let detected: DetectedFormat;
  try {
    detected = detectFormat(base);
  } catch (e) {
    if (!isDatasetFormatError(e)) throw e;
    throw new ValidationError('dataset-unsupported-format', `Unsupported file type: ${JSON.stringify(base)}`, {
      field: 'file',
      hint: `Allowed extensions: ${ALLOWED_EXTENSIONS.join(', ')}; all but .tgz, .tzst and .zip optionally followed by ${ALLOWED_COMPRESSIONS.join(' or ')}.`,
      context: { allowed: [...ALLOWED_EXTENSIONS], compressions: [...ALLOWED_COMPRESSIONS] },
    });
  }
  const { format, compression } = detected;
  return { fileName: base, format, compression };
}
