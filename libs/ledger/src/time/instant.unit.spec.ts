import fc from 'fast-check';
import { ValidationError } from '@1tt/domain-errors';
import { expandInstantShorthand, INSTANT_MAX_YEAR, INSTANT_MIN_YEAR, isUtcTimestamp, parseInstant } from './instant';

const codeOf = (value: string): string | undefined => {
  try {
    parseInstant(value, 'periodStart');
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).code;
  }
};

describe('parseInstant (issue #20: impossible times are refused, never rolled over)', () => {
  it.each([
    ['2026-02-30T00:00:00Z', 'time-impossible'],
    ['2026-02-29T00:00:00Z', 'time-impossible'],
    ['2100-02-29T00:00:00Z', 'time-impossible'],
    ['2026-04-31T00:00:00Z', 'time-impossible'],
    ['2026-13-01T00:00:00Z', 'time-impossible'],
    ['2026-00-10T00:00:00Z', 'time-impossible'],
    ['2026-01-00T00:00:00Z', 'time-impossible'],
    ['2026-01-31T24:00:00Z', 'time-impossible'],
    ['2026-01-31T23:60:00Z', 'time-impossible'],
    ['2026-12-31T23:59:60Z', 'time-impossible'],
    ['2026-01-31T10:00:00+24:00', 'time-impossible'],
    ['2026-01-31T10:00:00.0001Z', 'time-impossible'],
    ['0000-01-01T00:00:00Z', 'time-out-of-range'],
    ['9999-12-31T23:59:59Z', 'time-out-of-range'],
    ['1969-12-31T23:59:59Z', 'time-out-of-range'],
    ['2026-01-31T00:00:00', 'time-malformed'],
    ['2026-1-31T00:00:00Z', 'time-malformed'],
  ])('%s → %s', (value, code) => {
    expect(codeOf(value)).toBe(code);
  });

  it.each([
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2000-02-29T12:30:00+02:00', '2000-02-29T10:30:00.000Z'],
    ['2026-12-31T23:59:59.999Z', '2026-12-31T23:59:59.999Z'],
    ['2026-01-01T00:00:00.123000000Z', '2026-01-01T00:00:00.123Z'],
    ['2026-01-01T00:30:00-00:30', '2026-01-01T01:00:00.000Z'],
  ])('accepts %s as %s', (value, canonical) => {
    expect(parseInstant(value, 'periodStart')).toBe(canonical);
  });

  it('round-trips: every accepted UTC time comes back with the same fields, and each field out of range is refused', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: INSTANT_MIN_YEAR, max: INSTANT_MAX_YEAR }),
        fc.integer({ min: 0, max: 14 }),
        fc.integer({ min: 0, max: 33 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        (year, month, day, hour, minute) => {
          const p = (n: number, w = 2): string => String(n).padStart(w, '0');
          const text = `${p(year, 4)}-${p(month)}-${p(day)}T${p(hour)}:${p(minute)}:00Z`;
          const real = new Date(Date.UTC(year, month - 1, day, hour, minute));
          const exists =
            month >= 1 &&
            month <= 12 &&
            day >= 1 &&
            hour <= 23 &&
            minute <= 59 &&
            real.getUTCMonth() === month - 1 &&
            real.getUTCDate() === day;
          if (exists) expect(parseInstant(text, 'periodStart')).toBe(text.replace('Z', '.000Z'));
          else expect(codeOf(text)).toBe('time-impossible');
        },
      ),
    );
  });
});

describe('isUtcTimestamp (a time as the stores record it)', () => {
  it('accepts UTC times with any fraction and any year, and nothing else', () => {
    for (const ok of ['2025-01-31T00:00:00Z', '2025-01-31T23:59:59.123Z', '2025-01-31T23:59:59.1234567Z', '2300-01-01T00:00:00Z']) {
      expect(isUtcTimestamp(ok)).toBe(true);
    }
    for (const bad of ['2025-01-31T00:00:00+02:00', '2025-01-31', '2025-02-30T00:00:00Z', '2025-01-31T24:00:00Z', 20250131, undefined]) {
      expect(isUtcTimestamp(bad)).toBe(false);
    }
  });
});

describe('expandInstantShorthand (what a command line may type)', () => {
  it('makes a bare date midnight UTC, adds left-out seconds and an offset colon, and leaves the rest as given', () => {
    expect(expandInstantShorthand('2025-01-31')).toBe('2025-01-31T00:00:00Z');
    expect(expandInstantShorthand('2025-01-31T12:30Z')).toBe('2025-01-31T12:30:00Z');
    expect(expandInstantShorthand('2025-01-31T12:30:15.5+0200')).toBe('2025-01-31T12:30:15.5+02:00');
    expect(expandInstantShorthand('2025-01-31T12:30:15-05:00')).toBe('2025-01-31T12:30:15-05:00');
    for (const other of ['2025-01-31T12:30', 'yesterday', '']) expect(expandInstantShorthand(other)).toBe(other);
    expect(parseInstant(expandInstantShorthand('2025-01-31T12:30+0200'), 'asOf')).toBe('2025-01-31T10:30:00.000Z');
  });
});
