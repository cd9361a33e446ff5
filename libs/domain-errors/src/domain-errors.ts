import type { ErrorCode } from './error-catalogue';

/**
 * Broken rules are typed errors. The HTTP layer maps them to RFC 7807
 * problem details in one place:
 *   ValidationError -> 400, NotFoundError -> 404, ConflictError -> 409,
 *   IllegalStateError -> 409, PreconditionFailedError -> 412,
 *   ForbiddenError -> 403, PayloadTooLargeError -> 413, RequestTimeoutError -> 408.
 * Each carries a stable machine-readable `code` and, where it helps the
 * caller fix the request, the offending `field` and a `hint`.
 */
export interface DomainErrorDetails {
  /** The input field at fault, e.g. "amount" or "body.periodEnd". */
  field?: string;
  /** How to fix it, in one sentence. */
  hint?: string;
  /** Extra machine-readable context (never private data of another party). */
  context?: Record<string, unknown>;
}

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  readonly field?: string;
  readonly hint?: string;
  readonly context?: Record<string, unknown>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    details: DomainErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.field = details.field;
    this.hint = details.hint;
    this.context = details.context;
  }
}

export type DomainErrorKind =
  'validation' | 'not-found' | 'conflict' | 'illegal-state' | 'precondition-failed' | 'forbidden' | 'payload-too-large' | 'request-timeout';

export class ValidationError extends DomainError {
  readonly kind = 'validation' as const;
}
export class NotFoundError extends DomainError {
  readonly kind = 'not-found' as const;
}
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}
export class IllegalStateError extends DomainError {
  readonly kind = 'illegal-state' as const;
}
export class PreconditionFailedError extends DomainError {
  readonly kind = 'precondition-failed' as const;
}
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}
export class PayloadTooLargeError extends DomainError {
  readonly kind = 'payload-too-large' as const;
}

/** The request took longer than the server allows (HTTP 408), e.g. an upload slower than UPLOAD_TIMEOUT_SECONDS. */
export class RequestTimeoutError extends DomainError {
  readonly kind = 'request-timeout' as const;
}

export function isDomainError(e: unknown): e is DomainError {
  return e instanceof DomainError;
}
