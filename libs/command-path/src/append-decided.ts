import { splitIntoAppends, type AppendResult, type EventStore, type ExpectedRevision, type RecordedEvent } from '@1tt/event-store';
import { eventMetadata, type EventCause } from './event-metadata';

/** An event as a decider returns it (id: only when the caller must know it before the append). */
export interface DecidedEvent {
  type: string;
  data: unknown;
  id?: string;
}

export interface AppendDecidedOptions {
  expectedRevision: ExpectedRevision;
  cause: EventCause;
  /**
   * Writers whose output can outgrow one append (a payout run over many
   * contributors): cut into consecutive appends of at most this many bytes,
   * each at the revision the previous one left.
   */
  maxAppendBytes?: number;
}

/**
 * The one call of EventStore.appendToStream outside the store adapters:
 * decided events, with the metadata of their cause, at an expected revision.
 * decideOnStream ends here; the few writers that do not decide on a stream
 * they read call it directly (see the module comment in index.ts).
 */
export async function appendDecided(
  events: EventStore,
  streamName: string,
  decided: readonly DecidedEvent[],
  options: AppendDecidedOptions,
): Promise<AppendResult> {
  const metadata = eventMetadata(options.cause);
  const sealed = decided.map((e) => ({ ...(e.id !== undefined ? { id: e.id } : {}), type: e.type, data: e.data, metadata }));
  if (options.maxAppendBytes === undefined)
    return events.appendToStream(streamName, sealed, { expectedRevision: options.expectedRevision });
  let expectedRevision = options.expectedRevision;
  let last: AppendResult | undefined;
  const recorded: RecordedEvent[] = [];
  for (const group of splitIntoAppends(streamName, sealed, options.maxAppendBytes)) {
    last = await events.appendToStream(streamName, group, { expectedRevision });
    recorded.push(...last.events);
    expectedRevision = last.nextExpectedRevision;
  }
  if (!last) throw new TypeError('appendDecided needs at least one event');
  return { ...last, events: recorded };
}
