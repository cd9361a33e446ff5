/**
 * A decider (Chassaing): pure functions over one stream.
 *   state = events.reduce(evolve, initialState)
 *   newEvents = decide(command, state, context)
 * Time and ids come in through the command or the context, never from the
 * clock or a random source, so a decision can be replayed.
 */
export interface Decider<Command, Event, State, Context> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  /** Returns the events to append (possibly none) or throws a DomainError. */
  decide(command: Command, state: State, context: Context): Event[];
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State, unknown>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
}

/** Compile-time exhaustiveness for switches over a discriminated union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** Every decision context carries the current time. */
export interface Clock {
  now: Date;
}
