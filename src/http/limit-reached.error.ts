/**
 * A capacity or rate limit refused the request: 429 (this caller is over its
 * own limit) or 503 (the service as a whole is at capacity), always with a
 * Retry-After header. Mapped to problem+json by ProblemDetailsFilter.
 */
export class LimitReached extends Error {
  constructor(
    readonly status: 429 | 503,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'LimitReached';
  }
}
