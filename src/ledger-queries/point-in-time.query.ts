import { ValidationError } from '@1tt/domain-errors';
import type { EventStore } from '@1tt/event-store';

/** The point in time a read asks for, from its query string. */
export interface PointInTimeQuery {
  asOf?: string;
  atPosition?: string;
}

/** Strict ISO-8601 date-time with a zone (Z or ±hh:mm); Date.parse alone accepts far too much. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `asOf` (ISO time) or `atPosition` (log position) → the requested log
 * position, or undefined for "now". Both at once, a malformed value or a
 * time in the future is a 400 (ValidationError naming the parameter): the
 * future has no answer yet, and pretending "now" would let a client cache
 * an answer that later changes.
 *
 * Differs from src/datasets/point-in-time.ts (which this should replace;
 * proposed to the datasets owner) in refusing future times and zone-less
 * times, and in checking the calendar date.
 */
export async function requestedPosition(events: EventStore, query: PointInTimeQuery, now: Date = new Date()): Promise<number | undefined> {
  const asOf = query.asOf === '' ? undefined : query.asOf;
  const atPosition = query.atPosition === '' ? undefined : query.atPosition;
  if (asOf !== undefined && atPosition !== undefined) {
    throw new ValidationError('point-in-time-ambiguous', 'Give asOf or atPosition, not both', {
      field: 'asOf',
      hint: 'asOf=2025-06-30T23:59:59Z (a time) or atPosition=1234 (a log position).',
    });
  }
  if (atPosition !== undefined) {
    if (typeof atPosition !== 'string' || !/^\d{1,15}$/.test(atPosition)) {
      throw new ValidationError('invalid-position', 'atPosition must be a whole number (a log position, 0 or more)', {
        field: 'atPosition',
        hint: 'E.g. atPosition=1234.',
      });
    }
    return Number(atPosition);
  }
  if (asOf !== undefined) {
    const time = typeof asOf === 'string' && ISO_TIME.test(asOf) ? new Date(asOf) : undefined;
    if (!time || Number.isNaN(time.getTime()) || !sameCalendarDate(asOf, time)) {
      throw new ValidationError('invalid-as-of', 'asOf must be an ISO-8601 date-time with a time zone', {
        field: 'asOf',
        hint: 'E.g. asOf=2025-06-30T23:59:59Z.',
      });
    }
    if (time.getTime() > now.getTime()) {
      throw new ValidationError('as-of-in-future', `asOf ${asOf} is in the future`, {
        field: 'asOf',
        hint: 'Ask for a time up to now; omit asOf for the current state.',
      });
    }
    return events.positionAt(time);
  }
  return undefined;
}

/** Refuses dates Date rolls over (2025-02-30 → March 2). */
function sameCalendarDate(text: string, time: Date): boolean {
  const [y, m, d] = text.slice(0, 10).split('-').map(Number);
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const shift = offset ? (offset[1] === '+' ? 1 : -1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(time.getTime() + shift * 60_000);
  return local.getUTCFullYear() === y && local.getUTCMonth() + 1 === m && local.getUTCDate() === d;
}

/** The position a read answers at: the requested one, but never past what the read models have applied. */
export function answerPosition(requested: number | undefined, readable: number): number {
  return requested === undefined ? readable : Math.min(requested, readable);
}
