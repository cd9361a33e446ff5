import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { IncompatibleStore, StoreUnavailable, StreamNotFound, WrongExpectedRevision } from '../event-store.errors';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import { EventStore } from '../event-store.port';
import { GENESIS_HASH } from '../hash-chain';
import { sealEvent, validateStreamName } from '../new-event';

export interface EventStoreDbOptions {
  connectionString: string;
  clock?: () => Date;
  /** Delay before resubscribing after a dropped subscription. */
  resubscribeDelayMs?: number;
}

/** What the adapter keeps in EventStoreDB's event metadata next to ours. */
interface StoredMetadata extends EventMetadata {
  $1tt: { prevHash: string; hash: string; eventId: string };
}

/**
 * The event log on EventStoreDB (`@eventstore/db-client` v6).
 *
 * Hash chain: each event's prevHash/hash live in its metadata. To keep the
 * chain from forking, an append first reads the stream's last event (its
 * revision and hash), checks the caller's expected revision against it, and
 * then appends with exactly that revision as EventStoreDB's expected
 * revision: if anyone appended in between, the server refuses the write and
 * the caller gets WrongExpectedRevision, as with the embedded store.
 *
 * Positions are EventStoreDB commit positions (bigint on the wire): strictly
 * increasing but not contiguous. They are normalised to numbers and refused
 * past Number.MAX_SAFE_INTEGER (9 PB of log).
 */
export class EventStoreDbEventStore extends EventStore {
  private readonly client: EventStoreDBClient;
  private readonly clock: () => Date;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly options: EventStoreDbOptions) {
    super();
    this.client = EventStoreDBClient.connectionString(options.connectionString.replace(/^kurrentdb/, 'esdb'));
    this.clock = options.clock ?? (() => new Date());
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateStreamName(streamName);
    if (events.length === 0) throw new TypeError('appendToStream needs at least one event');
    const head = await this.lastEvent(streamName);
    const expected = options.expectedRevision;
    const actual = head ? head.revision : ('no-stream' as const);
    const ok =
      expected === 'any' ||
      (expected === 'no-stream' && !head) ||
      (expected === 'exists' && !!head) ||
      (typeof expected === 'number' && !!head && head.revision === expected);
    if (!ok) throw new WrongExpectedRevision(streamName, expected, actual);

    // Never before the stream's previous event. Across streams written by
    // several processes with skewed clocks EventStoreDB gives no global lock to
    // make recordedAt monotonic in the log (the embedded store does it inside
    // its write lock); positionAt below tolerates that by reading backwards.
    const now = this.clock().toISOString();
    const recordedAt = head && head.recordedAt > now ? head.recordedAt : now;
    let revision = head ? head.revision : -1;
    let prevHash = head ? head.hash : GENESIS_HASH;
    const sealed = events.map((event) => {
      revision += 1;
      const s = sealEvent(streamName, event, revision, prevHash, recordedAt);
      prevHash = s.hash;
      return s;
    });
    try {
      const result = await this.client.appendToStream(
        streamName,
        sealed.map((s) =>
          jsonEvent({
            id: s.id,
            type: s.type,
            data: s.data as Record<string, unknown>,
            metadata: { ...s.metadata, $1tt: { prevHash: s.prevHash, hash: s.hash, eventId: s.id } },
          }),
        ),
        { expectedRevision: head ? BigInt(head.revision) : NO_STREAM },
      );
      // The append result carries one position for the whole write; each
      // event has its own commit position in $all, so read them back (the
      // events are ours: the expected revision made this write the only one).
      const fallback = toSafeNumber(result.position?.commit ?? 0n, 'commit position');
      const positions = await this.positionsOf(streamName, sealed[0].revision, sealed.length).catch(() => []);
      const events = sealed.map((s, i) => ({ ...s, position: positions[i] ?? fallback }));
      return {
        nextExpectedRevision: toSafeNumber(result.nextExpectedRevision, 'revision'),
        position: events[events.length - 1].position,
        events,
      };
    } catch (e) {
      if (e instanceof WrongExpectedVersionError) {
        const current = await this.streamRevision(streamName);
        throw new WrongExpectedRevision(streamName, expected, current ?? 'no-stream');
      }
      throw mapError(e);
    }
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const out: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamName, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision: options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        const e = toRecorded(resolved);
        if (e) out.push(e);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) throw new StreamNotFound(streamName);
      throw mapError(e);
    }
    return out;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    const to = options.toPosition ?? (await this.headPosition());
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    // Both cursors are positions of events this store handed out (commit = prepare for our single-commit appends).
    const cursor = options.afterPosition ?? (options.fromPosition && options.fromPosition > 1 ? options.fromPosition : 0);
    const from = cursor > 0 ? { commit: BigInt(cursor), prepare: BigInt(cursor) } : START;
    const after = options.afterPosition ?? 0;
    try {
      for await (const resolved of this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: Number.MAX_SAFE_INTEGER })) {
        const e = toRecorded(resolved);
        if (!e || e.position <= after) continue;
        if (e.position > to || remaining <= 0) return;
        remaining -= 1;
        yield e;
      }
    } catch (e) {
      throw mapError(e);
    }
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const maxBatch = options.maxBatchSize ?? 500;
    let checkpoint = options.checkpoint ?? 0;
    let stopped = false;
    let current: ReturnType<EventStoreDBClient['subscribeToAll']> | undefined;
    let caughtUpSent = false;

    // Servers before 23.10 never send "caughtUp": the subscription then also
    // counts as caught up once it has delivered the head it saw at the start.
    let startHead: number | undefined;
    const markCaughtUp = (): void => {
      if (!caughtUpSent && startHead !== undefined && checkpoint >= startHead) {
        caughtUpSent = true;
        options.onCaughtUp?.(checkpoint);
      }
    };

    const runOnce = async (): Promise<void> => {
      if (startHead === undefined) {
        startHead = await this.headPosition();
        markCaughtUp();
      }
      const sub = this.client.subscribeToAll({
        fromPosition: checkpoint > 0 ? { commit: BigInt(checkpoint), prepare: BigInt(checkpoint) } : START,
        filter: excludeSystemEvents(),
      });
      current = sub;
      if (!caughtUpSent) {
        sub.on('caughtUp', () => {
          if (!caughtUpSent) {
            caughtUpSent = true;
            options.onCaughtUp?.(checkpoint);
          }
        });
      }
      let batch: RecordedEvent[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        const b = batch;
        batch = [];
        await options.handler(b);
        checkpoint = b[b.length - 1].position;
        markCaughtUp();
      };
      for await (const resolved of sub) {
        if (stopped) break;
        const e = toRecorded(resolved);
        // After a resubscribe the server starts strictly after the checkpoint; the check is a guard against repeats.
        if (!e || e.position <= checkpoint) continue;
        batch.push(e);
        if (batch.length >= maxBatch) await flush();
        // Deliver promptly when the stream pauses: the iterator yields as events arrive.
        if (sub.readableLength === 0) await flush();
      }
      await flush();
    };

    const loop = async (): Promise<void> => {
      while (!stopped) {
        try {
          await runOnce();
          if (stopped) return;
        } catch (e) {
          if (stopped) return;
          // Handler errors end the subscription; a dropped connection resubscribes from the checkpoint.
          if (!isConnectionError(e)) throw e;
          await new Promise((r) => setTimeout(r, this.options.resubscribeDelayMs ?? 500));
        }
      }
    };
    const done = loop();
    done.catch(() => undefined);
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        await current?.unsubscribe().catch(() => undefined);
        this.subscriptions.delete(subscription);
        await done.catch(() => undefined);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamRevision(streamName: string): Promise<number | undefined> {
    return (await this.lastEvent(streamName))?.revision;
  }

  async headPosition(): Promise<number> {
    try {
      // $all also holds the server's own ($-prefixed) events: skip back to the newest of ours.
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END })) {
        const e = toRecorded(resolved);
        if (e) return e.position;
      }
      return 0;
    } catch (e) {
      throw mapError(e);
    }
  }

  /** Reads backwards from the end to the first event recorded at or before `time`: O(events after time). */
  async positionAt(time: Date): Promise<number> {
    const t = time.toISOString();
    try {
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END })) {
        const e = toRecorded(resolved);
        if (e && e.metadata.recordedAt <= t) return e.position;
      }
      return 0;
    } catch (e) {
      throw mapError(e);
    }
  }

  async health(): Promise<StoreHealth> {
    try {
      return { ok: true, kind: 'eventstoredb', headPosition: await this.headPosition() };
    } catch (e) {
      return { ok: false, kind: 'eventstoredb', detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private async positionsOf(streamName: string, fromRevision: number, count: number): Promise<number[]> {
    const out: number[] = [];
    for await (const resolved of this.client.readStream(streamName, {
      direction: FORWARDS,
      fromRevision: BigInt(fromRevision),
      maxCount: count,
    })) {
      const commit = resolved.commitPosition ?? resolved.event?.position?.commit;
      if (commit === undefined) return [];
      out.push(toSafeNumber(commit, 'commit position'));
    }
    return out;
  }

  private async lastEvent(streamName: string): Promise<{ revision: number; hash: string; recordedAt: string } | undefined> {
    try {
      for await (const resolved of this.client.readStream(streamName, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const e = toRecorded(resolved);
        if (e) return { revision: e.revision, hash: e.hash, recordedAt: e.metadata.recordedAt };
        throw new IncompatibleStore(`Stream ${streamName} holds an event without the 1TT hash chain metadata`);
      }
      return undefined;
    } catch (e) {
      if (e instanceof StreamNotFoundError) return undefined;
      throw mapError(e);
    }
  }
}

function toRecorded(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const ev = resolved.event;
  if (!ev || ev.type.startsWith('$') || ev.streamId.startsWith('$') || !ev.isJson) return undefined;
  const meta = ev.metadata as unknown as StoredMetadata | undefined;
  if (!meta || !meta.$1tt) return undefined;
  const { $1tt, ...metadata } = meta;
  const commit = resolved.commitPosition ?? ev.position?.commit ?? 0n;
  return {
    id: $1tt.eventId ?? ev.id,
    streamName: ev.streamId,
    type: ev.type,
    data: ev.data,
    metadata: metadata as EventMetadata,
    revision: toSafeNumber(ev.revision, 'revision'),
    position: toSafeNumber(commit, 'commit position'),
    prevHash: $1tt.prevHash,
    hash: $1tt.hash,
  };
}

function toSafeNumber(value: bigint | number, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new StoreUnavailable(`EventStoreDB ${what} ${value} exceeds the safe integer range`);
  return n;
}

function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: number }).code;
  return e instanceof UnavailableError || code === 14 || /UNAVAILABLE|ECONNREFUSED|ECONNRESET/.test(String((e as Error)?.message));
}

function mapError(e: unknown): unknown {
  if (e instanceof StoreUnavailable || e instanceof StreamNotFound || e instanceof WrongExpectedRevision) return e;
  if (isConnectionError(e)) return new StoreUnavailable(`EventStoreDB unavailable: ${(e as Error).message}`, e);
  return e;
}
