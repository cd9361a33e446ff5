import type { ExpectedRevision, NewEvent } from '../event-store.port';
import { WrongExpectedRevision } from '../event-store.errors';

/** The optimistic check both SQL adapters run inside their write lock, against the stream's current revision. */
export function checkExpected(streamName: string, expected: ExpectedRevision, current: number | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === undefined) ||
    (expected === 'exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevision(streamName, expected, current ?? 'no-stream');
}

/** Refuses an empty batch and an expected revision that is none of the four forms, before anything is written. */
export function assertAppendable(streamName: string, events: NewEvent[], expected: unknown): void {
  if (!Array.isArray(events) || events.length === 0) throw new TypeError(`Nothing to append to "${streamName}": give at least one event`);
  const ok =
    expected === 'no-stream' ||
    expected === 'exists' ||
    expected === 'any' ||
    (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!ok) throw new TypeError(`Bad expected revision ${String(expected)}: use 'no-stream', 'exists', 'any' or a revision (integer >= 0)`);
}

/** Both cursors at once is a caller's mistake: they disagree on whether the event at the position is wanted. */
export function assertOneLowerBound(options: { afterPosition?: number; fromPosition?: number }): void {
  if (options.afterPosition !== undefined && options.fromPosition !== undefined) {
    throw new TypeError('readAll takes afterPosition (exclusive) or fromPosition (inclusive), not both');
  }
}
