import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { Request } from 'express';
import { ValidationError, type ErrorCode } from '@1tt/domain-errors';
import type { EventStore } from '@1tt/event-store';
import { parseInstant } from '@1tt/ledger';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@1tt/read-models';

/**
 * The query parameters every read shares, and their ONE parser: asOf and
 * atPosition (the point in time), cursor and limit (the page). Every GET
 * route takes them through @PointInTimeParams() and parses them here, so a
 * malformed value gets the same 400 (problem+json, the same code) on every
 * route. Values arrive as the client sent them (a repeated parameter is an
 * array, refused here).
 */
export interface PointInTimeQuery {
  asOf?: string;
  atPosition?: string;
}

export interface PageQuery {
  cursor?: string;
  limit?: string;
}

export interface PointInTimeParamValues extends PointInTimeQuery, PageQuery {}

export const PointInTimeParams = createParamDecorator((_: unknown, ctx: ExecutionContext): PointInTimeParamValues => {
  const q = ctx.switchToHttp().getRequest<Request>().query as Record<string, string | undefined>;
  return { asOf: q.asOf, atPosition: q.atPosition, cursor: q.cursor, limit: q.limit };
});

/** OpenAPI for those parameters: asOf and atPosition, plus cursor and limit for a paginated route. */
export function ApiPointInTime(options: { paginated?: boolean } = {}): MethodDecorator & ClassDecorator {
  const decorators = [
    ApiQuery({ name: 'asOf', required: false, description: 'ISO-8601 date-time with zone, e.g. 2025-06-30T23:59:59Z.' }),
    ApiQuery({ name: 'atPosition', required: false, description: 'A log position (0 = before the first event).' }),
  ];
  if (options.paginated) {
    decorators.push(
      ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page.' }),
      ApiQuery({ name: 'limit', required: false, description: `1..${MAX_PAGE_SIZE}.` }),
    );
  }
  return applyDecorators(...decorators);
}

/** Route summaries of point-in-time reads end with this. */
export const POINT_IN_TIME_NOTE =
  'Point in time: asOf (ISO-8601 date-time with zone, not in the future) or atPosition (log position), not both (400). The answer reflects min(asked, what the read models have applied); `position` says which.';

/** The `position` field of every point-in-time answer. */
export const POSITION_DESCRIPTION =
  'The log position this answer reflects: min(asked for, what the read models have applied). Re-ask with atPosition=<this> for the same answer.';

/** Page size when a route names none, and the most a page holds (the read-model store's own bounds). */
export const DEFAULT_LIMIT = DEFAULT_PAGE_SIZE;
export const MAX_LIMIT = MAX_PAGE_SIZE;

/** An absent or empty parameter is "not given". */
const given = (value: unknown): unknown => (value === undefined || value === '' ? undefined : value);

/** A log position or other count as the API writes it: a whole number, at most 15 digits (a safe integer); undefined when it is not one. */
export function wholeNumberOf(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** `limit`: 1..MAX_LIMIT, `fallback` when absent. */
export function parseLimit(limit: unknown, fallback: number = DEFAULT_LIMIT): number {
  const value = given(limit);
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : 0;
  if (n < 1 || n > MAX_LIMIT) {
    throw new ValidationError('invalid-limit', `limit must be a whole number from 1 to ${MAX_LIMIT}`, {
      field: 'limit',
      hint: 'E.g. limit=100.',
    });
  }
  return n;
}

/** `cursor`: the nextCursor of an earlier page, passed back unchanged (opaque); undefined when absent. */
export function parseCursor(cursor: unknown): string | undefined {
  const value = given(cursor);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new ValidationError('invalid-cursor', 'cursor must be given once', { field: 'cursor', hint: 'Pass nextCursor unchanged.' });
  }
  return value;
}

/**
 * A log-position parameter (atPosition, afterPosition, fromPosition):
 * undefined when absent, else a whole number, or a 400 with `code` naming
 * the parameter.
 */
export function parsePosition(
  value: unknown,
  field: string,
  refusal: { code: ErrorCode; message: string; hint: string } = {
    code: 'invalid-position',
    message: `${field} must be a whole number (a log position, 0 or more)`,
    hint: `E.g. ${field}=1234.`,
  },
): number | undefined {
  if (given(value) === undefined) return undefined;
  const n = wholeNumberOf(value);
  if (n === undefined) throw new ValidationError(refusal.code, refusal.message, { field, hint: refusal.hint });
  return n;
}

/**
 * `asOf` (ISO time) or `atPosition` (log position) → the requested log
 * position, or undefined for "now". Both at once, a malformed value or a
 * time in the future is a 400 (ValidationError naming the parameter): the
 * future has no answer yet, and pretending "now" would let a client cache
 * an answer that later changes. asOf follows the ledger's one rule for
 * times (parseInstant: a zone, a real calendar time, at most milliseconds).
 */
export async function requestedPosition(events: EventStore, query: PointInTimeQuery, now: Date = new Date()): Promise<number | undefined> {
  const asOf = given(query.asOf);
  const atPosition = given(query.atPosition);
  if (asOf !== undefined && atPosition !== undefined) {
    throw new ValidationError('point-in-time-ambiguous', 'Give asOf or atPosition, not both', {
      field: 'asOf',
      hint: 'asOf=2025-06-30T23:59:59Z (a time) or atPosition=1234 (a log position).',
    });
  }
  if (atPosition !== undefined) return parsePosition(atPosition, 'atPosition');
  if (asOf === undefined) return undefined;
  let time: Date;
  try {
    time = new Date(parseInstant(asOf, 'asOf'));
  } catch (e) {
    // A real time outside the years a ledger time may name is still a point to read at: before the log, or in the future.
    if (e instanceof ValidationError && e.code === 'time-out-of-range') time = new Date(Date.parse(asOf as string));
    else
      throw new ValidationError(
        'invalid-as-of',
        `asOf must be an ISO-8601 date-time with a time zone${e instanceof ValidationError ? ` (${e.message})` : ''}`,
        {
          field: 'asOf',
          hint: 'E.g. asOf=2025-06-30T23:59:59Z.',
        },
      );
  }
  if (time.getTime() > now.getTime()) {
    throw new ValidationError('as-of-in-future', `asOf ${String(asOf)} is in the future`, {
      field: 'asOf',
      hint: 'Ask for a time up to now; omit asOf for the current state.',
    });
  }
  return events.positionAt(time);
}

/** The position a read answers at: the requested one, but never past what the read models have applied. */
export function answerPosition(requested: number | undefined, readable: number): number {
  return requested === undefined ? readable : Math.min(requested, readable);
}
