import { ValidationError } from '@1tt/domain-errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A strict ISO-8601 instant with a zone → its canonical UTC form (ms precision). */
export function parseInstant(input: unknown, field: string): string {
  const fail = (): never => {
    throw new ValidationError('invalid_time', `${field} is not an ISO-8601 time with a zone`, { field, hint: 'E.g. "2025-01-01T00:00:00Z".' });
  };
  if (typeof input !== 'string' || !ISO_INSTANT.test(input)) return fail();
  const ms = Date.parse(input);
  if (!Number.isFinite(ms)) return fail();
  return new Date(ms).toISOString();
}
