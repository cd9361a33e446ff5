import { ValidationError } from '@1tt/domain-errors';

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** Years a ledger time may name: anything outside is a typo or a probe, never a revenue period. */
export const INSTANT_MIN_YEAR = 1970;
export const INSTANT_MAX_YEAR = 2199;

const daysIn = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

/**
 * Parses an ISO-8601 instant with an explicit zone ("…Z" or "…+02:00") and
 * returns its canonical UTC form (Date#toISOString, millisecond precision).
 * A time without a zone is refused: its meaning depends on the server.
 * Strict: every field must name a real calendar time, so nothing rolls over
 * (2026-02-30, T24:00, minute 60 and offset +25:00 are refused, not read as a
 * later day), the year is within INSTANT_MIN_YEAR..INSTANT_MAX_YEAR, and
 * digits past the millisecond must be zero (the canonical form keeps
 * milliseconds; two different inputs never become the same instant silently).
 */
export function parseInstant(value: unknown, field: string): string {
  const m = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  if (!m) {
    throw new ValidationError('time-malformed', `${field} is not an ISO-8601 time with a zone`, {
      field,
      hint: 'Use e.g. "2025-01-31T00:00:00Z".',
    });
  }
  const year = Number(m[1]);
  const fraction = m[7] ?? '';
  const impossible = notInCalendar(m) ?? (/[1-9]/.test(fraction.slice(3)) ? 'it is more precise than a millisecond' : undefined);
  if (impossible) {
    throw new ValidationError('time-impossible', `${field} is not a real time: ${impossible}`, {
      field,
      hint: 'Send a calendar date and time that exist, e.g. "2026-02-28T23:59:59Z" or "2026-03-01T00:00:00Z", with at most millisecond precision.',
    });
  }
  if (year < INSTANT_MIN_YEAR || year > INSTANT_MAX_YEAR) {
    throw new ValidationError(
      'time-out-of-range',
      `${field} is in the year ${m[1]}; times from ${INSTANT_MIN_YEAR} to ${INSTANT_MAX_YEAR} are accepted`,
      {
        field,
        hint: 'Check the year.',
      },
    );
  }
  const ms = Date.parse(value as string);
  if (!Number.isFinite(ms)) {
    throw new ValidationError('time-malformed', `${field} is not an ISO-8601 time with a zone`, {
      field,
      hint: 'Use e.g. "2025-01-31T00:00:00Z".',
    });
  }
  return new Date(ms).toISOString();
}

/** Why the matched fields name no real calendar time (undefined when they do). */
function notInCalendar(m: RegExpExecArray): string | undefined {
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  return month < 1 || month > 12
    ? `month ${m[2]} does not exist`
    : day < 1 || day > daysIn(year, month)
      ? `${m[1]}-${m[2]} has no day ${m[3]}`
      : hour > 23
        ? `hour ${m[4]} does not exist (the day ends at 23:59:59; the next day starts at T00:00)`
        : minute > 59
          ? `minute ${m[5]} does not exist`
          : second > 59
            ? `second ${m[6]} does not exist (leap seconds are not accepted)`
            : m[8] !== undefined && (Number(m[9]) > 23 || Number(m[10]) > 59)
              ? `the zone offset ${m[8]}${m[9]}:${m[10]} does not exist`
              : undefined;
}

/**
 * Whether a value is a time as the stores record it (recordedAt, an
 * export's exportedAt): the same ISO-8601 form parseInstant reads, in UTC
 * ("…Z"), naming a real calendar time. Any fraction and any year are
 * accepted: a store's clock decides these, not a user.
 */
export function isUtcTimestamp(value: unknown): value is string {
  const m = typeof value === 'string' ? ISO_INSTANT.exec(value) : null;
  return m !== null && m[8] === undefined && notInCalendar(m) === undefined;
}

/**
 * The ISO-8601 shorthands a person types on a command line, made into the
 * form parseInstant reads: a bare date is midnight UTC ("2025-01-31"), a
 * time may leave out its seconds ("T12:30Z"), an offset its colon ("+0200").
 * Anything else is returned as given (parseInstant then says what is wrong).
 */
export function expandInstantShorthand(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value}T00:00:00Z`;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(value);
  if (!m) return value;
  const zone = m[3] === 'Z' ? 'Z' : `${m[3].slice(0, 3)}:${m[3].slice(-2)}`;
  return `${m[1]}${m[2] ?? ':00'}${zone}`;
}

export function isoOf(date: Date): string {
  return date.toISOString();
}
