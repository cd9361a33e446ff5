import type { Decider } from '@1tt/ledger';
import { LEDGER_SCHEMA_VERSION } from '@1tt/ledger';
import { EventStore, WrongExpectedRevision, type AppendResult, type ExpectedRevision, type RecordedEvent } from '@1tt/event-store';
import { readStreamSnapshot } from './ledger-stream';

export interface StreamDecisionOptions<Context> {
  /** Built per attempt, after the stream is read (e.g. a fresh clock reading or balance). */
  context: () => Context | Promise<Context>;
  actor: string;
  correlationId: string;
  /** From If-Match: append at exactly this revision (never retried). */
  expectedRevision?: ExpectedRevision;
  /** Attempts on WrongExpectedRevision when re-deciding on the new state is safe. Default 1 (no retry). */
  attempts?: number;
}

export interface StreamDecision<Event, State> {
  /** State before the decision. */
  state: State;
  /** Events decided (empty = nothing to do, nothing appended). */
  decided: Event[];
  recorded: RecordedEvent[];
  append?: AppendResult;
  /** Stream revision after the decision (undefined: the stream still does not exist). */
  revision: number | undefined;
}

/**
 * The one shape of every ledger command handler: read the stream → fold
 * (the decider's evolve) → decide → append at the revision read. A
 * conflict is retried (re-read, re-decide) only as often as the command
 * allows; the caller maps what remains to HTTP (409 / 412).
 */
export async function decideOnStream<Command, Event extends { type: string; data: unknown }, State, Context>(
  events: EventStore,
  streamName: string,
  decider: Decider<Command, Event, State, Context>,
  command: Command,
  options: StreamDecisionOptions<Context>,
): Promise<StreamDecision<Event, State>> {
  const attempts = options.expectedRevision === undefined ? Math.max(1, options.attempts ?? 1) : 1;
  for (let attempt = 1; ; attempt++) {
    const snapshot = await readStreamSnapshot(events, streamName);
    const state = snapshot.events.reduce((s, e) => decider.evolve(s, e as unknown as Event), decider.initialState);
    const decided = decider.decide(command, state, await options.context());
    if (decided.length === 0) return { state, decided, recorded: snapshot.events, revision: snapshot.revision };
    const causationId = snapshot.events[snapshot.events.length - 1]?.id ?? options.correlationId;
    try {
      const append = await events.appendToStream(
        streamName,
        decided.map((e) => ({
          type: e.type,
          data: e.data,
          metadata: { actor: options.actor, correlationId: options.correlationId, causationId, schemaVersion: LEDGER_SCHEMA_VERSION },
        })),
        { expectedRevision: options.expectedRevision ?? snapshot.revision ?? 'no-stream' },
      );
      return { state, decided, recorded: snapshot.events, append, revision: append.nextExpectedRevision };
    } catch (e) {
      if (e instanceof WrongExpectedRevision && attempt < attempts) continue;
      throw e;
    }
  }
}
