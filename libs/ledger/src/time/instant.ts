import { ValidationError } from '@1tt/domain-errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses an ISO-8601 instant with an explicit zone ("…Z" or "…+02:00") and
 * returns its canonical UTC form (Date#toISOString, millisecond precision).
 * A time without a zone is refused: its meaning depends on the server.
 */
export function parseInstant(value: unknown, field: string): string {
  const ms = typeof value === 'string' && ISO_INSTANT.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError('time-malformed', `${field} is not an ISO-8601 time with a zone`, {
      field,
      hint: 'Use e.g. "2025-01-31T00:00:00Z".',
    });
  }
  return new Date(ms).toISOString();
}

export function isoOf(date: Date): string {
  return date.toISOString();
}
