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
