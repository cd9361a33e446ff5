/**
 * The decisions of the EventStoreDB adapter that do not need a server:
 * what expected revision to send, how the client's errors map onto the
 * port's, when a dropped subscription is resubscribed, how recordedAt is
 * kept from going backwards, how an early exit from a read cancels its
 * gRPC call, and what an append that timed out did. Each is a pure function
 * (or works on any async iterable with a cancel()), unit-tested here because
 * no EventStoreDB server runs in CI; the reasons are from the client's
 * source (@eventstore/db-client 6.2.1: utils/CommandError.js,
 * streams/utils/ReadStream.js, Client/index.js) and the server's documented
 * behaviour.
 */
import {
  AccessDeniedError,
  CancelledError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  StreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
  isCommandError,
} from '@eventstore/db-client';
import {
  AppendTooLarge,
  DuplicateEventId,
  IncompatibleStore,
  InvalidPosition,
  StoreUnavailable,
  StreamNotFound,
  WrongExpectedRevision,
} from '../event-store.errors';
import type { ExpectedRevision } from '../event-store.port';

/** How often an append with `any`/`exists` re-reads the tip and re-seals after another writer got in first. */
export const ANY_APPEND_ATTEMPTS = 10;

export interface RevisionPlan {
  /** The exact revision sent to the server (the tip the hash chain was sealed on), or no_stream. */
  send: bigint | typeof NO_STREAM;
  /**
   * The caller accepts any tip (`any`, `exists`): a refusal by the server
   * only means another writer appended between our read and our write, so
   * the adapter re-reads the tip, re-seals and tries again instead of
   * reporting a conflict the caller never asked for (E9).
   */
  retryOnConflict: boolean;
}

/**
 * The caller's expected revision checked against the tip read, and what is
 * sent. The hash chain needs the exact tip (prevHash is the tip's hash), so
 * even `any` and `exists` are sent as the exact revision read: sending
 * EventStoreDB's own `any` would let a concurrent write fork the chain.
 */
export function planExpectedRevision(streamName: string, expected: ExpectedRevision, tip: number | undefined): RevisionPlan {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && tip === undefined) ||
    (expected === 'exists' && tip !== undefined) ||
    (typeof expected === 'number' && tip === expected);
  if (!ok) throw new WrongExpectedRevision(streamName, expected, tip ?? 'no-stream');
  return { send: tip === undefined ? NO_STREAM : BigInt(tip), retryOnConflict: expected === 'any' || expected === 'exists' };
}

/** The first id that occurs twice in one append (EventStoreDB would store both, E10). */
export function firstDuplicateId(ids: readonly string[], alreadyInStream: ReadonlySet<string> = new Set()): string | undefined {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id) || alreadyInStream.has(id)) return id;
    seen.add(id);
  }
  return undefined;
}

/**
 * Errors a call can meet because the server cannot serve now (a dropped
 * connection, a leader change, a timeout, a server-side cancel): the call
 * may succeed if repeated.
 */
export function isTransient(e: unknown): boolean {
  if (e instanceof StoreUnavailable) return true;
  return (
    e instanceof UnavailableError ||
    e instanceof NotLeaderError ||
    // gRPC ABORTED: how the server ends a subscription whose consumer is too slow ("Consumer too slow to handle event while live").
    e instanceof TimeoutError ||
    e instanceof DeadlineExceededError ||
    // CANCELLED that the client did not ask for (its own cancels are filtered out by the client): the server ended the call.
    e instanceof CancelledError ||
    (e instanceof UnknownError && /write after end|ECONNRESET|ECONNREFUSED|UNAVAILABLE|GOAWAY/i.test(String(e.message))) ||
    (!(e instanceof Error && isCommandError(e)) &&
      /ECONNREFUSED|ECONNRESET|14 UNAVAILABLE/.test(String((e as Error | undefined)?.message ?? '')))
  );
}

/**
 * A dropped catch-up subscription is resubscribed from its checkpoint when
 * the drop is transient (E5: a slow consumer, a leader change, a restart,
 * not only "unavailable"); errors of our own handler and everything else
 * end it with the error.
 */
export function shouldResubscribe(e: unknown, stopped: boolean): boolean {
  return !stopped && !(e instanceof HandlerFailed) && isTransient(e);
}

/** Marks an error thrown by a subscription's handler: never resubscribed, whatever it is. */
export class HandlerFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('subscription handler failed');
  }
}

/**
 * The client's errors as the port's (E12): every server error is typed.
 * `streamName` names the stream of the call when there is one.
 */
export function mapEventStoreDbError(e: unknown, what: string, streamName?: string): unknown {
  if (
    e instanceof StoreUnavailable ||
    e instanceof StreamNotFound ||
    e instanceof WrongExpectedRevision ||
    e instanceof AppendTooLarge ||
    e instanceof DuplicateEventId ||
    e instanceof IncompatibleStore ||
    e instanceof InvalidPosition
  )
    return e;
  if (e instanceof StreamNotFoundError) return new StreamNotFound(streamName ?? String(e.streamName));
  if (e instanceof WrongExpectedVersionError) {
    const actual = e.actualVersion === NO_STREAM ? 'no-stream' : Number(e.actualVersion);
    const expected = typeof e.expectedVersion === 'bigint' ? Number(e.expectedVersion) : 'any';
    return new WrongExpectedRevision(streamName ?? e.streamName, expected, actual);
  }
  if (e instanceof MaxAppendSizeExceededError) {
    return new AppendTooLarge(streamName ?? '(unknown stream)', Number.NaN, e.maxAppendSize);
  }
  if (e instanceof StreamDeletedError) {
    return new IncompatibleStore(`EventStoreDB stream "${e.streamName ?? streamName}" was deleted: the 1TT log never deletes a stream`);
  }
  if (e instanceof AccessDeniedError) {
    return new StoreUnavailable(`EventStoreDB refused ${what}: access denied (check the user in EVENT_STORE_URL)`, e);
  }
  if (isTransient(e)) return new StoreUnavailable(`EventStoreDB unavailable during ${what}: ${(e as Error).message}`, e);
  // Any other server error (invalid argument, unknown, …): typed, with its kind, instead of a bare gRPC error.
  if (e instanceof Error && isCommandError(e)) return new StoreUnavailable(`EventStoreDB failed ${what} (${e.type}): ${e.message}`, e);
  return e;
}

/**
 * recordedAt for an append: the clock, but never before the stream's last
 * event, the newest event in the whole log read before the append, or
 * anything this process wrote or read (E7: on EventStoreDB there is no
 * global write lock, so without the log's newest time a process with a
 * slower clock would record an earlier time after a later one, and
 * `verify` would report time-out-of-order). ISO-8601 UTC strings compare
 * as times.
 */
export function clampRecordedAt(now: string, ...floors: ReadonlyArray<string | undefined>): string {
  let at = now;
  for (const f of floors) if (f !== undefined && f > at) at = f;
  return at;
}

/** The part of a client read this module needs: events one by one, and a cancel of the gRPC call. */
export interface CancellableRead<T> extends AsyncIterable<T> {
  cancel(): Promise<void>;
}

/**
 * Iterates a read and cancels its gRPC call when the loop ends before the
 * read does (E3): a `break` or `return` in a for-await over the client's
 * ReadStream only destroys the Node stream; the gRPC call piped into it
 * stays open on the server until cancel() (see ReadStream.cancel in the
 * client).
 */
export async function* cancelOnEarlyExit<T>(read: CancellableRead<T>): AsyncGenerator<T> {
  let finished = false;
  try {
    for await (const x of read) yield x;
    finished = true;
  } finally {
    if (!finished) await read.cancel().catch(() => undefined);
  }
}

/** The first item for which `pick` gives a value; the read is cancelled as soon as it is found. */
export async function firstOf<T, R>(read: CancellableRead<T>, pick: (x: T) => R | undefined): Promise<R | undefined> {
  for await (const x of cancelOnEarlyExit(read)) {
    const r = pick(x);
    if (r !== undefined) return r;
  }
  return undefined;
}

/**
 * What an append whose outcome is unknown (the connection dropped or the
 * deadline passed after the request was sent) did, from the events found
 * after the tip it was sealed on (E12): all of ours there in order → it
 * was written (answer success, do not write again: a retry would store the
 * events twice); nothing there → not written (the caller may retry);
 * anything else → another writer appended (a conflict).
 */
export function appendOutcome(ours: readonly string[], foundAfterTip: readonly string[]): 'written' | 'not-written' | 'conflict' {
  if (foundAfterTip.length === 0) return 'not-written';
  if (foundAfterTip.length >= ours.length && ours.every((id, i) => foundAfterTip[i] === id)) return 'written';
  return 'conflict';
}
