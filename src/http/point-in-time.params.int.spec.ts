import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ValidationError } from '@1tt/domain-errors';
import { createEventStore, type EventStore } from '@1tt/event-store';
import { answerPosition, parseCursor, parseLimit, parsePosition, requestedPosition } from './point-in-time.params';

/** The code of the ValidationError `f` throws (or 'ok'). */
async function codeOf(f: () => unknown): Promise<string> {
  try {
    await f();
    return 'ok';
  } catch (e) {
    if (e instanceof ValidationError) return e.code;
    throw e;
  }
}

describe('the one parser of read query parameters', () => {
  let dir: string;
  let events: EventStore;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), '1tt-pit-'));
    events = await createEventStore(`sqlite:${path.join(dir, 'events.db')}`);
    await events.appendToStream('t-1', [{ type: 'Tick', data: {} }], { expectedRevision: 'any' });
  });
  afterAll(async () => {
    await events.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('limit: absent → the default, 1..1000, anything else invalid-limit', async () => {
    expect(parseLimit(undefined)).toBe(100);
    expect(parseLimit('')).toBe(100);
    expect(parseLimit(undefined, 1000)).toBe(1000);
    expect(parseLimit('1')).toBe(1);
    expect(parseLimit('1000')).toBe(1000);
    for (const bad of ['0', '1001', '9999', '-1', '1.5', 'ten', ' 5', ['1', '2']])
      expect(await codeOf(() => parseLimit(bad))).toBe('invalid-limit');
  });

  it('cursor: opaque, absent or empty → undefined, repeated → invalid-cursor', async () => {
    expect(parseCursor(undefined)).toBeUndefined();
    expect(parseCursor('')).toBeUndefined();
    expect(parseCursor('abc\u0000def')).toBe('abc\u0000def');
    expect(await codeOf(() => parseCursor(['a', 'b']))).toBe('invalid-cursor');
  });

  it('positions: whole numbers of at most 15 digits, the code naming the parameter', async () => {
    expect(parsePosition(undefined, 'atPosition')).toBeUndefined();
    expect(parsePosition('0', 'atPosition')).toBe(0);
    expect(parsePosition('123456789012345', 'atPosition')).toBe(123456789012345);
    for (const bad of ['-1', '1e3', '1234567890123456', 'x', ['1', '2']])
      expect(await codeOf(() => parsePosition(bad, 'atPosition'))).toBe('invalid-position');
    const fromPosition = { code: 'invalid-from-position', message: 'fromPosition must be a whole number', hint: 'E.g. 1.' } as const;
    expect(await codeOf(() => parsePosition('x', 'fromPosition', fromPosition))).toBe('invalid-from-position');
  });

  it('asOf/atPosition: one of them, real times with a zone, never the future', async () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const at = (asOf?: unknown, atPosition?: unknown) => () =>
      requestedPosition(events, { asOf: asOf as string, atPosition: atPosition as string }, now);
    expect(await at()()).toBeUndefined();
    expect(await at('', '')()).toBeUndefined();
    expect(await at(undefined, '7')()).toBe(7);
    expect(await at('1999-01-01T00:00:00Z')()).toBe(0);
    // Before the years a ledger time may name: still a time, before the log.
    expect(await at('1900-01-01T00:00:00Z')()).toBe(0);
    expect(await codeOf(at('2026-05-01T00:00:00Z', '1'))).toBe('point-in-time-ambiguous');
    for (const bad of [
      'yesterday',
      '2025-02-30T00:00:00Z',
      '2025-01-01T00:00:00',
      '2025-01-01',
      '2025-01-01T24:00:00Z',
      ['2025-01-01T00:00:00Z'],
    ])
      expect(await codeOf(at(bad))).toBe('invalid-as-of');
    expect(await codeOf(at('2026-06-01T00:00:01Z'))).toBe('as-of-in-future');
    expect(await codeOf(at('2999-01-01T00:00:00Z'))).toBe('as-of-in-future');
    expect(await codeOf(at(undefined, '-1'))).toBe('invalid-position');
  });

  it('answers at the requested position, never past what the read models have applied', () => {
    expect(answerPosition(undefined, 9)).toBe(9);
    expect(answerPosition(4, 9)).toBe(4);
    expect(answerPosition(12, 9)).toBe(9);
  });
});
