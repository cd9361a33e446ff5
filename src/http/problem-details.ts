/**
 * RFC 9457 (ex-7807) problem details, the body of every error response.
 * `type` is a URN naming the error code (stable; clients may switch on it);
 * `code` repeats it bare for convenience.
 */
import type { Response } from 'express';

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
  code: string,
  detail: string,
  extra: Partial<Omit<ProblemDetails, 'status' | 'code' | 'detail'>> = {},
): ProblemDetails {
  return { type: problemType(code), title: statusTitle(status), status, detail, code, ...extra };
}

export function sendProblem(res: Response, body: ProblemDetails, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  res.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
