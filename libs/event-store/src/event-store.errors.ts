import type { ExpectedRevision } from './event-store.port';

export class WrongExpectedRevision extends Error {
  constructor(
    readonly streamName: string,
    readonly expected: ExpectedRevision,
    /** Current revision, or 'no-stream' when the stream does not exist. */
    readonly actual: number | 'no-stream',
  ) {
    super(`Stream "${streamName}": expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedRevision';
  }
}

export class StreamNotFound extends Error {
  constructor(readonly streamName: string) {
    super(`Stream "${streamName}" not found`);
    this.name = 'StreamNotFound';
  }
}

export class StoreUnavailable extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}

/** An event id that is already in the log: appends are not silently deduplicated. */
export class DuplicateEventId extends Error {
  constructor(readonly eventId: string) {
    super(`An event with id ${eventId} is already in the log`);
    this.name = 'DuplicateEventId';
  }
}

/** The file or database is not a 1TT event store, or was written by a newer version. */
export class IncompatibleStore extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompatibleStore';
  }
}

/**
 * A position given as a cursor (afterPosition, fromPosition, a subscription's
 * checkpoint) that is no event's position in this store. Positions are
 * opaque: only positions the store handed out (or 0) can be continued from.
 */
export class InvalidPosition extends Error {
  constructor(
    readonly position: number,
    readonly what: string,
  ) {
    super(
      `${what} ${position} is not the position of an event in this log: continue from a position the store handed out (or 0 for the start)`,
    );
    this.name = 'InvalidPosition';
  }
}

/** One append larger than the store accepts in one write (EventStoreDB's default limit is 1 MiB). */
export class AppendTooLarge extends Error {
  constructor(
    readonly streamName: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(
      `Append to "${streamName}" is ${bytes} bytes, over the ${limit}-byte limit of one append: split it into several appends (see splitIntoAppends)`,
    );
    this.name = 'AppendTooLarge';
  }
}
