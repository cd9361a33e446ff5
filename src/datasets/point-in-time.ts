import { ValidationError } from '@1tt/domain-errors';
import type { EventStore } from '@1tt/event-store';

/** `asOf` (ISO time) or `atPosition` (log position) → a log position, or undefined for "now". */
export async function pointInTime(events: EventStore, query: { asOf?: string; atPosition?: string }): Promise<number | undefined> {
  if (query.asOf !== undefined && query.atPosition !== undefined) {
    throw new ValidationError('invalid_point_in_time', 'Give asOf or atPosition, not both', { field: 'asOf', hint: 'asOf=2025-06-30T23:59:59Z or atPosition=1234.' });
  }
  if (query.atPosition !== undefined) {
    if (!/^\d{1,15}$/.test(query.atPosition)) throw new ValidationError('invalid_position', 'atPosition must be a whole number', { field: 'atPosition', hint: 'A log position such as 1234.' });
    return Number(query.atPosition);
  }
  if (query.asOf !== undefined) {
    const t = new Date(query.asOf);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(query.asOf) || Number.isNaN(t.getTime())) {
      throw new ValidationError('invalid_as_of', 'asOf must be an ISO-8601 time', { field: 'asOf', hint: 'E.g. 2025-06-30T23:59:59Z.' });
    }
    return events.positionAt(t);
  }
  return undefined;
}
