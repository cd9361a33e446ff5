import { Decider, fold } from '../decider/decider';
import { LoggedEvent } from '../events/ledger-event';

export interface TestLoggedEvent extends LoggedEvent {
  streamName: string;
}

/**
 * A tiny in-memory log for domain tests and examples: global positions from
 * 1, recordedAt given by the test, per-stream reads. Not an EventStore
 * adapter (no concurrency, no hashes): the real stores live in
 * @1tt/event-store.
 */
export class InMemoryLedgerLog {
  readonly events: TestLoggedEvent[] = [];

  append(streamName: string, events: readonly { type: string; data: unknown }[], recordedAt: Date): TestLoggedEvent[] {
    const out = events.map((e) => ({
      streamName,
      type: e.type,
      data: e.data,
      position: this.events.length + 1,
      metadata: { recordedAt: recordedAt.toISOString() },
    }));
    for (const e of out) {
      e.position = this.events.length + 1;
      this.events.push(e);
    }
    return out;
  }

  stream(streamName: string): TestLoggedEvent[] {
    return this.events.filter((e) => e.streamName === streamName);
  }

  /** read → fold → decide → append, the way a command handler does. */
  execute<C, E extends { type: string; data: unknown }, S, Ctx>(
    decider: Decider<C, E, S, Ctx>,
    streamName: string,
    command: C,
    context: Ctx & { now: Date },
  ): TestLoggedEvent[] {
    const state = fold(decider, this.stream(streamName) as unknown as E[]);
    return this.append(streamName, decider.decide(command, state, context), context.now);
  }

  state<C, E, S, Ctx>(decider: Decider<C, E, S, Ctx>, streamName: string): S {
    return fold(decider, this.stream(streamName) as unknown as E[]);
  }
}
