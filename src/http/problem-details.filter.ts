import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger, NotFoundException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { DomainError, type DomainErrorKind, type ErrorCode } from '@1tt/domain-errors';
import { DuplicateEventId, StoreUnavailable, StreamNotFound, WrongExpectedRevision } from '@1tt/event-store';
import { AuthenticationFailed } from '../auth/authentication-failed.error';
import { LimitReached } from './limit-reached.error';
import { problem, sendProblem, type ProblemDetails } from './problem-details';
import { RequestValidationFailed } from './request-validation.error';

const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  'not-found': 404,
  conflict: 409,
  'illegal-state': 409,
  'precondition-failed': 412,
  forbidden: 403,
  'payload-too-large': 413,
  'request-timeout': 408,
};

/** Seconds a client should wait before retrying when a store is unavailable. */
const STORE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place errors become HTTP: every failure leaves as
 * application/problem+json. Server errors never carry a stack or an internal
 * message: the body has a reference id that is logged with the details.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const instance = req.originalUrl?.split('?')[0];
    const headers: Record<string, string> = {};
    const body = this.toProblem(exception, req, headers);
    body.instance ??= instance;
    sendProblem(res, body, headers);
  }

  private toProblem(e: unknown, req: Request, headers: Record<string, string>): ProblemDetails {
    if (e instanceof RequestValidationFailed) {
      return problem(400, 'invalid-request', e.message, { errors: e.errors });
    }
    if (e instanceof DomainError) {
      const status = DOMAIN_STATUS[e.kind] ?? 400;
      return problem(status, e.code, e.message, {
        ...(e.field ? { errors: [{ field: e.field, reason: e.message }] } : {}),
        ...(e.hint ? { hint: e.hint } : {}),
        ...(e.context ? { context: e.context } : {}),
      });
    }
    if (e instanceof AuthenticationFailed) {
      headers['WWW-Authenticate'] = e.challenge();
      return problem(401, e.code, e.message, { hint: 'Send "Authorization: Bearer <api key>" with a key that has not been revoked.' });
    }
    if (e instanceof WrongExpectedRevision) {
      const ifMatch = req.headers['if-match'];
      const context = { expected: e.expected, actual: e.actual };
      if (ifMatch !== undefined) {
        return problem(412, 'precondition-failed', 'The resource changed since the ETag you sent in If-Match', {
          hint: 'Read the resource again, re-apply your change, and send its new ETag.',
          context,
        });
      }
      return problem(409, 'concurrent-modification', 'Someone else changed this resource at the same time', {
        hint: 'Retry the request.',
        context,
      });
    }
    if (e instanceof StreamNotFound) {
      return problem(404, 'not-found', 'No such resource');
    }
    if (e instanceof DuplicateEventId) {
      return problem(409, 'duplicate-event', 'This change has already been recorded');
    }
    if (e instanceof StoreUnavailable) {
      const ref = randomUUID();
      this.logger.error(`[${ref}] store unavailable: ${e.message}`);
      headers['Retry-After'] = String(STORE_RETRY_AFTER_SECONDS);
      return problem(503, 'store-unavailable', `A data store is unavailable; retry later (reference ${ref})`, { reference: ref });
    }
    if (e instanceof LimitReached) {
      headers['Retry-After'] = String(e.retryAfterSeconds);
      return problem(e.status, e.code, e.message, { hint: e.hint });
    }
    if (e instanceof ThrottlerException) {
      return problem(429, 'rate-limited', 'Too many requests for this API key', {
        hint: 'Wait for the number of seconds in the Retry-After header.',
      });
    }
    if (e instanceof NotFoundException && /^Cannot [A-Z]+ /.test(e.message)) {
      return problem(404, 'route-not-found', `No route ${req.method} ${req.path}`, { hint: 'See /docs for the routes.' });
    }
    if (e instanceof HttpException && e.getStatus() < 500) {
      const status = e.getStatus();
      const resp = e.getResponse();
      const detail = typeof resp === 'string' ? resp : String((resp as { message?: unknown }).message ?? e.message);
      return problem(status, httpCode(status), detail);
    }
    const ref = randomUUID();
    this.logger.error(`[${ref}] ${req.method} ${req.path}: ${(e as Error)?.stack ?? String(e)}`);
    return problem(500, 'internal-error', `An unexpected error occurred (reference ${ref})`, { reference: ref });
  }
}

const HTTP_STATUS_CODES: Readonly<Record<number, ErrorCode>> = {
  400: 'bad-request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'body-too-large',
  415: 'unsupported-media-type',
  428: 'precondition-required',
};

/** The code of a framework refusal that carries only a status. */
function httpCode(status: number): ErrorCode {
  return HTTP_STATUS_CODES[status] ?? 'request-refused';
}
