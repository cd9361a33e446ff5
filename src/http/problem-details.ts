/**
 * RFC 9457 (ex-7807) problem details, the body of every error response.
 * `type` is a URN naming the error code (stable; clients may switch on it);
 * `code` repeats it bare for convenience.
 */
import type { Response } from 'express';
import { ERROR_CATALOGUE, isErrorCode, type ErrorCode } from '@1tt/domain-errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldProblem {
  /** Dotted path of the input at fault, e.g. "amount" or "allocations.0.ratio"; "body" for the whole body. */
  field: string;
  reason: string;
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldProblem[];
  hint?: string;
  [extension: string]: unknown;
}

export function problemType(code: string): string {
  return `urn:1tt:problem:${code}`;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error');
}

export function problem(
  status: number,
  code: ErrorCode,
  detail: string,
  extra: Partial<Omit<ProblemDetails, 'status' | 'code' | 'detail'>> = {},
): ProblemDetails {
  assertCatalogued(status, code);
  return { type: problemType(code), title: statusTitle(status), status, detail, code, ...extra };
}

/**
 * Under test (NODE_ENV=test, set by Jest and passed to the service processes
 * the e2e tests start) a code outside the catalogue, or answered with another
 * status than the catalogue's, is a bug that fails the request loudly. In
 * production the answer goes out as it is: the compiler already refuses
 * uncatalogued literals, and a wrong status is no reason to lose the error.
 */
function assertCatalogued(status: number, code: string): void {
  if (process.env.NODE_ENV !== 'test') return;
  if (!isErrorCode(code)) throw new Error(`Error code ${JSON.stringify(code)} is not in libs/domain-errors/src/error-catalogue.ts`);
  const entry: { status: number; statusVaries?: true } = ERROR_CATALOGUE[code];
  if (entry.status !== status && !entry.statusVaries)
    throw new Error(`Error code ${code} answered with ${status}, the catalogue says ${entry.status}`);
}

export function sendProblem(res: Response, body: ProblemDetails, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
