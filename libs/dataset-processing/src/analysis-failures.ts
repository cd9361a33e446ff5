import type { DatasetAnalysis } from './dataset-analysis';

/** Errors of the machinery, not of the dataset: such an attempt does not count toward maxAttempts. */
const INFRASTRUCTURE_ERRNO = new Set([
  'EIO',
  'ENOSPC',
  'EDQUOT',
  'EMFILE',
  'ENFILE',
  'EAGAIN',
  'EBUSY',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);
export function isInfrastructureError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as NodeJS.ErrnoException).code;
  if (code && INFRASTRUCTURE_ERRNO.has(code)) return true;
  return ['StoreUnavailable', 'MongoNetworkError', 'MongoServerSelectionError', 'MongoNotConnectedError'].includes(e.name);
}

/** The dataset failed maxAttempts analyses: it is rejected with a plain reason, never tried again. */
export function gaveUp(failed: number): DatasetAnalysis {
  return {
    kind: 'unreadable',
    rejection: {
      reason: 'processing_failed',
      message: `Processing this dataset stopped without a result ${failed} times (the worker ran out of memory, was stopped, or failed on it); it is not tried again. Split it into smaller files, or check that the file is what its name says.`,
    },
  };
}

/** The rejection message when the pipeline itself fails on a document (its internal error is logged, not shown). */
export const PROCESSING_ERROR_MESSAGE =
  'The preprocessing pipeline failed on a document of this file (an internal error, logged for the operators); the file was not judged. Report the dataset id to the operators.';
