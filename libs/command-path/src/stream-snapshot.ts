import { EventStore, StreamNotFound, type RecordedEvent } from '@1tt/event-store';

export interface StreamSnapshot {
  events: RecordedEvent[];
  /** Revision of the last event, or undefined when the stream does not exist. */
  revision: number | undefined;
}

/** Reads a whole stream; a missing stream is an empty one (the caller decides whether that is an error). */
export async function readStreamSnapshot(events: EventStore, streamName: string): Promise<StreamSnapshot> {
  try {
    const recorded = await events.readStream(streamName);
    return { events: recorded, revision: recorded.length ? recorded[recorded.length - 1].revision : undefined };
  } catch (e) {
    if (e instanceof StreamNotFound) return { events: [], revision: undefined };
    throw e;
  }
}
