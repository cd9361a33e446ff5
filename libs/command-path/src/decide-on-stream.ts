import type { Decider } from '@1tt/ledger';
import { EventStore, WrongExpectedRevision, type AppendResult, type ExpectedRevision, type RecordedEvent } from '@1tt/event-store';
import { appendDecided } from './append-decided';
import { readStreamSnapshot } from './stream-snapshot';

export interface StreamDecisionOptions<Context, State = unknown> {
  /** Built per attempt, after the stream is read (e.g. a fresh clock reading or balance). */
  context: () => Context | Promise<Context>;
  actor: string;
  correlationId: string;
  /** What the events follow from. Default: the stream's last event (the correlation id on a new stream). */
  causationId?: string;
  /** From If-Match: append at exactly this revision (never retried). */
  expectedRevision?: ExpectedRevision;
  /** Attempts on WrongExpectedRevision when re-deciding on the new state is safe. Default 1 (no retry). */
  attempts?: number;
  /**
   * The caller already holds the folded stream (it follows the log, e.g.
   * the dataset processor): the first attempt decides on it without
   * reading, and appends at its revision. A retry reads the stream.
   */
  known?: { state: State; revision: number | undefined; lastEventId?: string };
  /** Cut the decided events into appends of at most this many bytes (see appendDecided). */
  maxAppendBytes?: number;
}

export interface StreamDecision<Event, State> {
  /** State before the decision. */
  state: State;
  /** Events decided (empty = nothing to do, nothing appended). */
  decided: Event[];
  /** The stream as read (empty when the decision used `known`). */
  recorded: RecordedEvent[];
  append?: AppendResult;
  /** Stream revision after the decision (undefined: the stream still does not exist). */
  revision: number | undefined;
}

/**
 * The one shape of every command: read the stream → fold (the decider's
 * evolve) → decide → append at the revision read. A conflict is retried
 * (re-read, re-decide) only as often as the command allows; the caller
 * maps what remains (HTTP: 409 / 412).
 */
export async function decideOnStream<Command, Event extends { type: string; data: unknown }, State, Context>(
  events: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State, Context>,
  command: Command,
  options: StreamDecisionOptions<Context, State>,
): Promise<StreamDecision<Event, State>> {
  const attempts = options.expectedRevision === undefined ? Math.max(1, options.attempts ?? 1) : 1;
  for (let attempt = 1; ; attempt++) {
    const known = attempt === 1 ? options.known : undefined;
    const snapshot = known ? { events: [], revision: known.revision } : await readStreamSnapshot(events, streamName);
    const state = known ? known.state : snapshot.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
    const decided = decider.decide(command, state, await options.context());
    if (decided.length === 0) return { state, decided, recorded: snapshot.events, revision: snapshot.revision };
    const lastEventId = known ? known.lastEventId : snapshot.events[snapshot.events.length - 1]?.id;
    try {
      const append = await appendDecided(events, streamName, decided, {
        expectedRevision: options.expectedRevision ?? snapshot.revision ?? 'no-stream',
        cause: {
          actor: options.actor,
          correlationId: options.correlationId,
          causationId: options.causationId ?? lastEventId ?? options.correlationId,
        },
        maxAppendBytes: options.maxAppendBytes,
      });
      return { state, decided, recorded: snapshot.events, append, revision: append.nextExpectedRevision };
    } catch (e) {
      if (e instanceof WrongExpectedRevision && attempt < attempts) continue;
      throw e;
    }
  }
}
