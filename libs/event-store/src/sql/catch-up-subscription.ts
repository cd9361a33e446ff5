import type { RecordedEvent, SubscribeToAllOptions, Subscription } from '../event-store.port';

/** What a store whose log is a table ordered by position gives the shared catch-up loop. */
export interface CatchUpSource {
  /** Position of the last event now (0 when empty). */
  head(): Promise<number> | number;
  /** Up to `max` events strictly after `checkpoint`, in position order. */
  after(checkpoint: number, max: number): Promise<RecordedEvent[]> | RecordedEvent[];
  /** Registers a "something was appended" listener; returns its removal. */
  onAppend(listener: () => void): () => void;
  /** Fallback poll for appends the listener cannot see (other processes, a lost notification). */
  pollIntervalMs: number;
  /** A read error to wait out (busy, locked) rather than end the subscription with. */
  isTransient(e: unknown): boolean;
  /** Store errors → StoreUnavailable etc. */
  mapError(e: unknown): unknown;
}

/**
 * The catch-up subscription of the SQL stores (SQLite, PostgreSQL): read
 * pages strictly after the last delivered position until none is left, then
 * wait for an append signal or the poll interval. The cursor is the last
 * delivered event's own position, never a computed one, so it is correct for
 * any store whose readers never see position p committed before every
 * position below p (both SQL adapters guarantee that with their write lock).
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscribeToAllOptions, onEnd: () => void): Subscription {
  const maxBatch = Math.max(1, options.maxBatchSize ?? 500);
  let stopped = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;
  const off = source.onAppend(() => wake?.());

  const run = async (): Promise<void> => {
    let checkpoint = options.checkpoint ?? 0;
    const startHead = await source.head();
    let caughtUp = false;
    let lastYield = Date.now();
    const markCaughtUp = (): void => {
      if (!caughtUp && checkpoint >= startHead) {
        caughtUp = true;
        options.onCaughtUp?.(checkpoint);
      }
    };
    markCaughtUp();
    while (!stopped) {
      let events: RecordedEvent[];
      try {
        events = await source.after(checkpoint, maxBatch);
      } catch (e) {
        if (source.isTransient(e) && !stopped) events = [];
        else throw e;
      }
      if (stopped) return;
      if (events.length > 0) {
        await options.handler(events);
        checkpoint = events[events.length - 1].position;
        markCaughtUp();
        // Catch-up over a long log would otherwise never give timers and
        // I/O a turn (a synchronous handler resolves in a microtask).
        if (Date.now() - lastYield > 20) {
          await new Promise<void>((r) => setImmediate(r));
          lastYield = Date.now();
        }
        continue;
      }
      markCaughtUp();
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, source.pollIntervalMs);
      });
      clearTimeout(timer);
      wake = undefined;
      lastYield = Date.now();
    }
  };

  const done = run()
    .catch((e: unknown) => {
      throw source.mapError(e);
    })
    .finally(() => {
      off();
      onEnd();
    });
  // The caller may only ever call stop(); a failure must not become an unhandled rejection.
  done.catch(() => undefined);
  return {
    done,
    stop: async () => {
      stopped = true;
      wake?.();
      await done.catch(() => undefined);
    },
  };
}
