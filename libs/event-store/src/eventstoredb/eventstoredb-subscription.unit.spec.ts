import { Readable } from 'node:stream';
import { Metadata, status } from '@grpc/grpc-js';
import { convertToCommandError, type EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent } from '../event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store.adapter';

/**
 * The adapter's subscription loop (E5, E6) on a client-shaped stand-in: no
 * EventStoreDB server can run here, so the client's reads and
 * subscriptions are object streams shaped like the client's (events as
 * its ResolvedEvent, errors as its CommandError classes, built by its own
 * convertToCommandError). What the server sends when is an assumption,
 * named in the README as verified by reading only.
 */

/** An event as the client resolves it, carrying the adapter's metadata. */
function resolved(position: number) {
  return {
    event: {
      id: `id-${position}`,
      streamId: 'test-stream',
      type: 'Happened',
      isJson: true,
      data: { n: position },
      metadata: {
        actor: 'test',
        recordedAt: '2026-12-08T00:00:00.000Z',
        $1tt: { prevHash: 'p', hash: `h${position}`, eventId: `id-${position}` },
      },
      revision: BigInt(position - 1),
      position: { commit: BigInt(position), prepare: BigInt(position) },
    },
    commitPosition: BigInt(position),
  };
}

/** A read or subscription: pushes `items` (then an error or nothing), waits for release() first when gated. */
class FakeCall extends Readable {
  cancelled = 0;
  private released: boolean;
  private pending = false;
  private index = 0;
  constructor(
    private readonly items: unknown[],
    private readonly options: { error?: unknown; endAfterItems?: boolean; gated?: boolean } = {},
  ) {
    super({ objectMode: true });
    this.released = !options.gated;
  }
  release(): void {
    this.released = true;
    if (this.pending) this._read();
  }
  override _read(): void {
    if (!this.released) {
      this.pending = true;
      return;
    }
    this.pending = false;
    if (this.index < this.items.length) {
      this.push(this.items[this.index++]);
    } else if (this.options.error !== undefined) {
      const e = this.options.error;
      this.options.error = undefined;
      setImmediate(() => this.destroy(e as Error));
    } else if (this.options.endAfterItems !== false) {
      this.push(null);
    }
    // Otherwise live: nothing more until the call is cancelled.
  }
  cancel(): Promise<void> {
    this.cancelled += 1;
    this.push(null);
    return Promise.resolve();
  }
  unsubscribe(): Promise<void> {
    return this.cancel();
  }
}

function serverError(code: number, details: string): unknown {
  return convertToCommandError(Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() }));
}

/** A stand-in client: readAll answers the head read, subscribeToAll hands out the calls given, in order. */
function standIn(head: FakeCall, subscriptions: FakeCall[]) {
  const subscribedFrom: unknown[] = [];
  const client = {
    readAll: () => head,
    subscribeToAll: (options: { fromPosition: unknown }) => {
      subscribedFrom.push(options.fromPosition);
      const next = subscriptions.shift();
      if (!next) throw new Error('no more subscriptions prepared');
      return next;
    },
    dispose: () => Promise.resolve(),
  };
  return { client: client as unknown as EventStoreDBClient, subscribedFrom };
}

describe('EventStoreDB subscription loop (stand-in client)', () => {
  it('resubscribes from its checkpoint after the server drops a slow consumer (ABORTED), not only after "unavailable" (E5)', async () => {
    const first = new FakeCall([resolved(10)], { error: serverError(status.ABORTED, 'Consumer too slow to handle event while live.') });
    const second = new FakeCall([resolved(20)], { endAfterItems: false });
    const { client, subscribedFrom } = standIn(new FakeCall([resolved(20)]), [first, second]);
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://stand-in:2113?tls=false', client, resubscribeDelayMs: 1 });
    const seen: RecordedEvent[] = [];
    let reached!: () => void;
    const both = new Promise<void>((r) => (reached = r));
    const sub = store.subscribeToAll({
      handler: (batch) => {
        seen.push(...batch);
        if (seen.length === 2) reached();
      },
    });
    await Promise.race([both, sub.done]);
    await sub.stop();
    expect(seen.map((e) => e.position)).toEqual([10, 20]);
    expect(subscribedFrom[1]).toEqual({ commit: 10n, prepare: 10n });
    expect(second.cancelled).toBeGreaterThan(0);
  });

  it("a handler's error ends the subscription with that error, and the server's call is cancelled", async () => {
    const call = new FakeCall([resolved(5)], { endAfterItems: false });
    const { client } = standIn(new FakeCall([resolved(5)]), [call]);
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://stand-in:2113?tls=false', client, resubscribeDelayMs: 1 });
    const failure = new Error('projection failed');
    const sub = store.subscribeToAll({
      handler: () => {
        throw failure;
      },
    });
    await expect(sub.done).rejects.toBe(failure);
    expect(call.cancelled).toBeGreaterThan(0);
  });

  it('stop() while the first head read is under way resolves and starts no subscription (E6)', async () => {
    const head = new FakeCall([resolved(7)], { gated: true });
    const { client, subscribedFrom } = standIn(head, [new FakeCall([], { endAfterItems: false })]);
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://stand-in:2113?tls=false', client, resubscribeDelayMs: 1 });
    const sub = store.subscribeToAll({ handler: () => undefined });
    const stopped = sub.stop();
    head.release();
    await stopped;
    expect(subscribedFrom).toEqual([]);
  });
});
