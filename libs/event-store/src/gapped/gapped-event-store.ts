import {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import { InvalidPosition } from '../event-store.errors';

/** Distance between the positions of consecutive events (plus a jitter below it). */
const SPACING = 1000;

/**
 * The gapped position of the inner store's position `p`: p × 1000 plus a
 * jitter of 1 to 997 that changes from event to event, so positions are
 * strictly increasing but neither consecutive nor evenly spaced. 0 stays 0.
 */
export function gappedPosition(p: number): number {
  if (p === 0) return 0;
  const r = p % 997;
  return p * SPACING + ((r * r * 31 + r * 7) % 997) + 1;
}

/** The inner position of a gapped one; InvalidPosition when no event can have it (a computed position). */
function innerPosition(position: number, what: string): number {
  if (position === 0) return 0;
  const inner = Math.floor(position / SPACING);
  if (!Number.isSafeInteger(position) || position < 0 || gappedPosition(inner) !== position) throw new InvalidPosition(position, what);
  return inner;
}

/** The largest inner position whose gapped position is at most `bound` (an upper bound may be any number). */
function innerAtMost(bound: number): number {
  if (bound < gappedPosition(1)) return 0;
  const inner = Math.floor(bound / SPACING);
  return gappedPosition(inner) <= bound ? inner : inner - 1;
}

function gapped(e: RecordedEvent): RecordedEvent {
  return { ...e, position: gappedPosition(e.position) };
}

/**
 * A wrapper that gives any store (in practice the embedded SQLite one)
 * positions with gaps, behaving as EventStoreDB does: positions increase but
 * are not consecutive, and a cursor that is not the position of an event
 * (`p + 1`, `p - 1`) is refused with InvalidPosition instead of being read
 * from. The contract suite and the position-sensitive service tests (payout
 * processor, checkpoints, audit events pagination, projections) run on it,
 * so nothing in the code base can depend on positions being dense.
 *
 * Only for tests: the positions it hands out are not those of the file
 * underneath (an export of the file has dense positions).
 */
export class GappedEventStore extends EventStore {
  constructor(readonly inner: EventStore) {
    super();
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const r = await this.inner.appendToStream(streamName, events, options);
    return { ...r, position: gappedPosition(r.position), events: r.events.map(gapped) };
  }

  async readStream(streamName: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamName, options)).map(gapped);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const { afterPosition, fromPosition, toPosition, ...rest } = options;
    const mapped: ReadAllOptions = { ...rest };
    // Validated when iteration starts, as a real store's read would fail then.
    let problem: unknown;
    try {
      if (afterPosition !== undefined) mapped.afterPosition = innerPosition(afterPosition, 'afterPosition');
      if (fromPosition !== undefined && fromPosition > 1) mapped.fromPosition = innerPosition(fromPosition, 'fromPosition');
      if (toPosition !== undefined) mapped.toPosition = innerAtMost(toPosition);
    } catch (e) {
      problem = e;
    }
    const inner = this.inner;
    return {
      async *[Symbol.asyncIterator]() {
        if (problem) throw problem;
        if (mapped.toPosition === 0) return;
        for await (const e of inner.readAll(mapped)) yield gapped(e);
      },
    };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    let checkpoint: number;
    try {
      checkpoint = innerPosition(options.checkpoint ?? 0, 'checkpoint');
    } catch (e) {
      const done = Promise.reject(e);
      done.catch(() => undefined);
      return { done, stop: async () => undefined };
    }
    return this.inner.subscribeToAll({
      ...options,
      checkpoint,
      handler: (events) => options.handler(events.map(gapped)),
      onCaughtUp: options.onCaughtUp ? (p) => options.onCaughtUp?.(gappedPosition(p)) : undefined,
    });
  }

  streamRevision(streamName: string): Promise<number | undefined> {
    return this.inner.streamRevision(streamName);
  }

  async headPosition(): Promise<number> {
    return gappedPosition(await this.inner.headPosition());
  }

  async positionAt(time: Date): Promise<number> {
    return gappedPosition(await this.inner.positionAt(time));
  }

  async health(): Promise<StoreHealth> {
    const h = await this.inner.health();
    return { ...h, kind: `${h.kind}-gapped`, ...(h.headPosition !== undefined ? { headPosition: gappedPosition(h.headPosition) } : {}) };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
