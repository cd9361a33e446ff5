import { ValidationError } from '@1tt/domain-errors';
import type { BlobRef } from './blob-store.port';

const REF = /^sha256:([0-9a-f]{64})$/;

export function blobRefOf(sha256Hex: string): BlobRef {
  return `sha256:${sha256Hex}`;
}

/** The hex digest named by a ref; ValidationError for anything else (never a path). */
export function sha256OfRef(ref: BlobRef): string {
  const m = REF.exec(ref);
  if (!m) {
    throw new ValidationError('invalid-blob-ref', `Not a blob reference: ${JSON.stringify(String(ref).slice(0, 80))}`, {
      field: 'ref',
      hint: 'A blob reference is "sha256:" followed by 64 lowercase hex digits.',
    });
  }
  return m[1];
}

export function isBlobRef(value: unknown): value is BlobRef {
  return typeof value === 'string' && REF.test(value);
}
