import { Readable } from 'node:stream';
import { Metadata, status } from '@grpc/grpc-js';
import { convertToCommandError } from '@eventstore/db-client';
import { AppendTooLarge, IncompatibleStore, StoreUnavailable, StreamNotFound, WrongExpectedRevision } from '../event-store.errors';
import {
  appendOutcome,
  cancelOnEarlyExit,
  clampRecordedAt,
  firstDuplicateId,
  firstOf,
  HandlerFailed,
  mapEventStoreDbError,
  planExpectedRevision,
  shouldResubscribe,
} from './eventstoredb-rules';

/**
 * The EventStoreDB adapter's decisions that need no server. The errors are
 * built the way the client builds them from a gRPC failure
 * (convertToCommandError over a ServiceError with the server's metadata),
 * so the mapping is tested against the client's own classes.
 */
function serverError(code: number, details: string, metadata: Record<string, string> = {}): unknown {
  const m = new Metadata();
  for (const [k, v] of Object.entries(metadata)) m.set(k, v);
  return convertToCommandError(Object.assign(new Error(`${code} ${details}`), { code, details, metadata: m }));
}

describe('EventStoreDB expected revision (E9)', () => {
  it.each([
    ['any', undefined, 'no_stream', true],
    ['any', 4, 4n, true],
    ['exists', 4, 4n, true],
    ['no-stream', undefined, 'no_stream', false],
    [3, 3, 3n, false],
  ] as const)('%s on a stream at %s sends %s (retried on conflict: %s)', (expected, tip, send, retry) => {
    expect(planExpectedRevision('s', expected, tip)).toEqual({ send, retryOnConflict: retry });
  });

  it.each([
    ['exists', undefined, 'no-stream'],
    ['no-stream', 2, 2],
    [3, 4, 4],
    [3, undefined, 'no-stream'],
  ] as const)('%s on a stream at %s is refused before anything is sent (actual %s)', (expected, tip, actual) => {
    expect(() => planExpectedRevision('s', expected, tip)).toThrow(WrongExpectedRevision);
    try {
      planExpectedRevision('s', expected, tip);
    } catch (e) {
      expect((e as WrongExpectedRevision).actual).toBe(actual);
    }
  });
});

describe('EventStoreDB duplicate ids (E10)', () => {
  it('names an id given twice in one append, or already in the stream', () => {
    expect(firstDuplicateId(['a', 'b', 'c'])).toBeUndefined();
    expect(firstDuplicateId(['a', 'b', 'a'])).toBe('a');
    expect(firstDuplicateId(['a', 'b'], new Set(['x', 'b']))).toBe('b');
  });
});

describe('EventStoreDB errors (E12) and resubscription (E5)', () => {
  it('maps a wrong expected version from the server to WrongExpectedRevision with both revisions', () => {
    const e = mapEventStoreDbError(
      serverError(status.UNKNOWN, 'wrong expected version', {
        exception: 'wrong-expected-version',
        'stream-name': 's-1',
        'expected-version': '3',
        'actual-version': '5',
      }),
      'append',
      's-1',
    );
    expect(e).toBeInstanceOf(WrongExpectedRevision);
    expect(e).toMatchObject({ streamName: 's-1', expected: 3, actual: 5 });
  });

  it("maps the server's append size limit to AppendTooLarge with the server's limit", () => {
    const e = mapEventStoreDbError(
      serverError(status.INVALID_ARGUMENT, 'too big', { exception: 'maximum-append-size-exceeded', 'maximum-append-size': '1048576' }),
      'append',
      's-2',
    );
    expect(e).toBeInstanceOf(AppendTooLarge);
    expect(e).toMatchObject({ streamName: 's-2', limit: 1048576 });
  });

  it('maps a missing stream to StreamNotFound and a deleted one to IncompatibleStore (the log never deletes)', () => {
    expect(mapEventStoreDbError(serverError(status.NOT_FOUND, 'gone', { exception: 'stream-not-found' }), 'read', 's-3')).toBeInstanceOf(
      StreamNotFound,
    );
    expect(
      mapEventStoreDbError(
        serverError(status.FAILED_PRECONDITION, 'deleted', { exception: 'stream-deleted', 'stream-name': 's-4' }),
        'append',
      ),
    ).toBeInstanceOf(IncompatibleStore);
  });

  const transient: Array<[string, unknown]> = [
    ['unavailable (connection lost, server restart)', serverError(status.UNAVAILABLE, 'No connection established')],
    [
      'not leader (a leader change in a cluster)',
      serverError(status.NOT_FOUND, 'Leader info available', {
        exception: 'not-leader',
        'leader-endpoint-host': '10.0.0.2',
        'leader-endpoint-port': '2113',
      }),
    ],
    ['aborted (the server drops a slow consumer)', serverError(status.ABORTED, 'Consumer too slow to handle event while live.')],
    ['deadline exceeded', serverError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')],
    ['cancelled by the server', serverError(status.CANCELLED, 'Cancelled by server')],
  ];
  it.each(transient)('%s: StoreUnavailable, and a subscription resubscribes', (_name, e) => {
    expect(mapEventStoreDbError(e, 'read')).toBeInstanceOf(StoreUnavailable);
    expect(shouldResubscribe(e, false)).toBe(true);
    // …unless it was stopped.
    expect(shouldResubscribe(e, true)).toBe(false);
  });

  it('access denied and other server errors are typed (StoreUnavailable naming the kind) but never resubscribed', () => {
    const denied = serverError(status.UNAUTHENTICATED, 'Access denied', { exception: 'access-denied' });
    expect(mapEventStoreDbError(denied, 'append')).toBeInstanceOf(StoreUnavailable);
    expect(String((mapEventStoreDbError(denied, 'append') as Error).message)).toMatch(/access denied/);
    expect(shouldResubscribe(denied, false)).toBe(false);
    const odd = serverError(status.INTERNAL, 'something else');
    expect(mapEventStoreDbError(odd, 'append')).toBeInstanceOf(StoreUnavailable);
    expect(String((mapEventStoreDbError(odd, 'append') as Error).message)).toMatch(/\(unknown\)/);
    expect(shouldResubscribe(odd, false)).toBe(false);
  });

  it("the handler's own errors end a subscription, even one that looks like a lost connection; bugs pass through unmapped", () => {
    expect(shouldResubscribe(new HandlerFailed(new StoreUnavailable('the handler could not write')), false)).toBe(false);
    const bug = new TypeError('x is undefined');
    expect(mapEventStoreDbError(bug, 'read')).toBe(bug);
  });
});

describe('EventStoreDB recordedAt across streams (E7)', () => {
  it('is the clock, but never before the stream tip, the log head or what the process has seen', () => {
    const now = '2026-12-08T10:00:00.000Z';
    expect(clampRecordedAt(now)).toBe(now);
    expect(clampRecordedAt(now, undefined, undefined, undefined)).toBe(now);
    expect(clampRecordedAt(now, '2026-12-08T09:59:59.999Z')).toBe(now);
    // Another process with a clock 3 s ahead wrote the newest event in another stream.
    expect(clampRecordedAt(now, '2026-12-08T09:00:00.000Z', '2026-12-08T10:00:03.000Z', undefined)).toBe('2026-12-08T10:00:03.000Z');
    expect(clampRecordedAt(now, undefined, undefined, '2026-12-08T10:00:00.001Z')).toBe('2026-12-08T10:00:00.001Z');
  });
});

describe('EventStoreDB appends with an unknown outcome (E12)', () => {
  it('written when all our events follow the tip, not written when nothing does, a conflict otherwise', () => {
    expect(appendOutcome(['a', 'b'], ['a', 'b'])).toBe('written');
    expect(appendOutcome(['a', 'b'], ['a', 'b', 'z'])).toBe('written');
    expect(appendOutcome(['a', 'b'], [])).toBe('not-written');
    expect(appendOutcome(['a', 'b'], ['x'])).toBe('conflict');
    expect(appendOutcome(['a', 'b'], ['a'])).toBe('conflict');
  });
});

/** A read like the client's (a Node object stream with cancel()), counting cancels. */
class FakeRead extends Readable {
  cancels = 0;
  private next = 0;
  constructor(private readonly items: number[]) {
    super({ objectMode: true });
  }
  override _read(): void {
    this.push(this.next < this.items.length ? this.items[this.next++] : null);
  }
  cancel(): Promise<void> {
    this.cancels += 1;
    return Promise.resolve();
  }
}

describe('EventStoreDB reads left early are cancelled (E3)', () => {
  it('firstOf cancels the call once it has its answer; a read to the end is not cancelled', async () => {
    const early = new FakeRead([1, 2, 3, 4, 5]);
    expect(await firstOf(early, (x) => (x === 2 ? 'two' : undefined))).toBe('two');
    expect(early.cancels).toBe(1);
    const whole = new FakeRead([1, 2, 3]);
    expect(await firstOf(whole, (x) => (x === 9 ? x : undefined))).toBeUndefined();
    expect(whole.cancels).toBe(0);
  });

  it('a consumer that breaks or throws cancels the call', async () => {
    const broken = new FakeRead([1, 2, 3]);
    for await (const x of cancelOnEarlyExit(broken)) if (x === 1) break;
    expect(broken.cancels).toBe(1);
    const thrown = new FakeRead([1, 2, 3]);
    await expect(
      (async () => {
        for await (const x of cancelOnEarlyExit(thrown)) if (x === 2) throw new Error('consumer failed');
      })(),
    ).rejects.toThrow('consumer failed');
    expect(thrown.cancels).toBe(1);
  });
});
