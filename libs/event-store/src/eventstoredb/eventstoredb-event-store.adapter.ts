import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  jsonEvent,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult as EsdbAppendResult,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { DuplicateEventId, IncompatibleStore, StoreUnavailable, WrongExpectedRevision } from '../event-store.errors';
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
import { assertEventsFit, storedEventBytes } from '../append-size';
import {
  ANY_APPEND_ATTEMPTS,
  appendOutcome,
  cancelOnEarlyExit,
  clampRecordedAt,
  firstDuplicateId,
  firstOf,
  HandlerFailed,
  isTransient,
  mapEventStoreDbError,
  planExpectedRevision,
  shouldResubscribe,
} from './eventstoredb-rules';

export interface EventStoreDbOptions {
  connectionString: string;
  clock?: () => Date;
  /** Delay before resubscribing after a dropped subscription. */
  resubscribeDelayMs?: number;
  /**
   * The client to use instead of one made from the connection string. For
   * the unit tests of the subscription loop, which no server here can run
   * (a client-shaped stand-in with readAll and subscribeToAll).
   */
  client?: EventStoreDBClient;
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
 *
 * What no server here can show, decided in eventstoredb-rules.ts (unit
 * tested) from the client's source: `any`/`exists` re-read and re-seal when
 * another writer got in first instead of reporting a conflict (E9); reads
 * left early cancel their gRPC call (E3); transient drops (unavailable,
 * leader change, slow consumer, server cancel) resubscribe, a handler error
 * never does (E5); stop() before the call exists starts none (E6);
 * recordedAt is clamped to the log's newest event and to what this process
 * has seen (E7); ids twice in an append or already in the stream are refused
 * (E10); every server error is typed, and an append whose outcome is unknown
 * is looked up before answering, so a retry never stores it twice (E12).
 */
export class EventStoreDbEventStore extends EventStore {
  private readonly client: EventStoreDBClient;
  private readonly clock: () => Date;
  private readonly subscriptions = new Set<Subscription>();
  /** The newest recordedAt this process wrote or read: its appends never record an earlier time (E7). */
  private latestRecordedAt?: string;

  constructor(private readonly options: EventStoreDbOptions) {
    super();
    this.client = options.client ?? EventStoreDBClient.connectionString(options.connectionString.replace(/^kurrentdb/, 'esdb'));
    this.clock = options.clock ?? (() => new Date());
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateStreamName(streamName);
    if (events.length === 0) throw new TypeError('appendToStream needs at least one event');
    const explicitIds = events.some((e) => e.id !== undefined);
    for (let attempt = 1; ; attempt++) {
      const tip = await this.lastEvent(streamName);
      const plan = planExpectedRevision(streamName, options.expectedRevision, tip?.revision);
      // EventStoreDB stores an id twice when the expected revision is the tip (E10): ids given by the caller are checked in the stream.
      const inStream = explicitIds && tip ? await this.streamIds(streamName) : new Set<string>();
      // Never before the stream's last event, the log's newest event or what this process has seen (E7).
      const recordedAt = clampRecordedAt(this.clock().toISOString(), tip?.recordedAt, await this.newestRecordedAt(), this.latestRecordedAt);
      let revision = tip ? tip.revision : -1;
      let prevHash = tip ? tip.hash : GENESIS_HASH;
      const sealed = events.map((event) => {
        revision += 1;
        const s = sealEvent(streamName, event, revision, prevHash, recordedAt);
        prevHash = s.hash;
        return s;
      });
      const duplicate = firstDuplicateId(
        sealed.map((s) => s.id),
        inStream,
      );
      if (duplicate !== undefined) throw new DuplicateEventId(duplicate);
      const payload = sealed.map((s) => ({
        id: s.id,
        type: s.type,
        data: s.data as Record<string, unknown>,
        metadata: { ...s.metadata, $1tt: { prevHash: s.prevHash, hash: s.hash, eventId: s.id } },
      }));
      // The server's default limit, checked before sending so the error is the same as the other stores' (AppendTooLarge, nothing written).
      assertEventsFit(
        streamName,
        payload.map((p) => storedEventBytes(p.type, JSON.stringify(p.data), JSON.stringify(p.metadata))),
      );
      try {
        const result = await this.client.appendToStream(
          streamName,
          payload.map((p) => jsonEvent(p)),
          { expectedRevision: plan.send },
        );
        return await this.appended(streamName, sealed, result);
      } catch (e) {
        if (e instanceof WrongExpectedVersionError) {
          // Another writer appended between our read and our write: with any/exists, seal on the new tip and try again (E9).
          if (plan.retryOnConflict && attempt < ANY_APPEND_ATTEMPTS) continue;
          const current = await this.streamRevision(streamName);
          throw new WrongExpectedRevision(streamName, options.expectedRevision, current ?? 'no-stream');
        }
        if (isTransient(e)) {
          // The request may have been written before the connection dropped or the deadline passed (E12): look before answering,
          // so that a retry does not store the events twice.
          const found = await this.idsAfter(streamName, tip?.revision).catch(() => undefined);
          const outcome =
            found &&
            appendOutcome(
              sealed.map((s) => s.id),
              found,
            );
          if (outcome === 'written') return await this.appended(streamName, sealed, undefined);
          if (outcome === 'conflict') {
            if (plan.retryOnConflict && attempt < ANY_APPEND_ATTEMPTS) continue;
            const current = await this.streamRevision(streamName);
            throw new WrongExpectedRevision(streamName, options.expectedRevision, current ?? 'no-stream');
          }
        }
        throw mapEventStoreDbError(e, `append to "${streamName}"`, streamName);
      }
    }
  }

  /** The sealed events with their commit positions, read back (the append result carries one position for the whole write). */
  private async appended(
    streamName: string,
    sealed: Array<Omit<RecordedEvent, 'position'>>,
    result: EsdbAppendResult | undefined,
  ): Promise<AppendResult> {
    const last = sealed[sealed.length - 1];
    this.latestRecordedAt = clampRecordedAt(last.metadata.recordedAt, this.latestRecordedAt);
    const fallback = toSafeNumber(result?.position?.commit ?? 0n, 'commit position');
    const positions = await this.positionsOf(streamName, sealed[0].revision, sealed.length).catch(() => []);
    const events = sealed.map((s, i) => ({ ...s, position: positions[i] ?? fallback }));
    return { nextExpectedRevision: last.revision, position: events[events.length - 1].position, events };
  }

  /** Ids of the stream's events (for ids given by the caller). */
  private async streamIds(streamName: string): Promise<Set<string>> {
    const ids = new Set<string>();
    try {
      for await (const resolved of this.client.readStream(streamName, { direction: FORWARDS, fromRevision: START })) {
        const e = toRecorded(resolved);
        if (e) ids.add(e.id);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return ids;
      throw mapEventStoreDbError(e, `read of "${streamName}"`, streamName);
    }
    return ids;
  }

  /** Ids of the events after `tip` (all of the stream when undefined), to learn what an interrupted append did. */
  private async idsAfter(streamName: string, tip: number | undefined): Promise<string[]> {
    const ids: string[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName, {
        direction: FORWARDS,
        fromRevision: tip === undefined ? START : BigInt(tip + 1),
      })) {
        const e = toRecorded(resolved);
        if (e) ids.push(e.id);
      }
    } catch (e) {
      if (e instanceof StreamNotFoundError) return ids;
      throw e;
    }
    return ids;
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
      throw mapEventStoreDbError(e, `read of "${streamName}"`, streamName);
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
    // Leaving early (the bound reached, or the caller breaks) cancels the server's read (E3).
    const read = this.client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: Number.MAX_SAFE_INTEGER });
    try {
      for await (const resolved of cancelOnEarlyExit(read)) {
        const e = toRecorded(resolved);
        if (!e || e.position <= after) continue;
        if (e.position > to || remaining <= 0) return;
        remaining -= 1;
        yield e;
      }
    } catch (e) {
      throw mapEventStoreDbError(e, 'readAll');
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
      // stop() while the head was read: it found no call to cancel, so none is started (E6).
      if (stopped) return;
      const sub = this.client.subscribeToAll({
        fromPosition: checkpoint > 0 ? { commit: BigInt(checkpoint), prepare: BigInt(checkpoint) } : START,
        filter: excludeSystemEvents(),
      });
      current = sub;
      try {
        await consume(sub);
      } finally {
        // However the loop ended (stop, a handler error, a drop), the server's call ends with it.
        await sub.unsubscribe().catch(() => undefined);
      }
    };

    const consume = async (sub: ReturnType<EventStoreDBClient['subscribeToAll']>): Promise<void> => {
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
        try {
          await options.handler(b);
        } catch (e) {
          throw new HandlerFailed(e);
        }
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
      if (!stopped) await flush();
    };

    const loop = async (): Promise<void> => {
      while (!stopped) {
        try {
          await runOnce();
          if (stopped) return;
        } catch (e) {
          if (stopped) return;
          // Handler errors end the subscription with the handler's error; transient drops (unavailable, leader change,
          // slow consumer, server-side cancel: E5) resubscribe from the checkpoint; anything else ends it, typed.
          if (e instanceof HandlerFailed) throw e.cause;
          if (!shouldResubscribe(e, stopped)) throw mapEventStoreDbError(e, 'subscription');
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
    return (await this.newest())?.position ?? 0;
  }

  /** The newest of our events in $all (it also holds the server's own $-events); the read is cancelled once found (E3). */
  private async newest(): Promise<RecordedEvent | undefined> {
    try {
      const e = await firstOf(this.client.readAll({ direction: BACKWARDS, fromPosition: END }), toRecorded);
      if (e) this.latestRecordedAt = clampRecordedAt(e.metadata.recordedAt, this.latestRecordedAt);
      return e;
    } catch (e) {
      throw mapEventStoreDbError(e, 'headPosition');
    }
  }

  private async newestRecordedAt(): Promise<string | undefined> {
    return (await this.newest())?.metadata.recordedAt;
  }

  /** Reads backwards from the end to the first event recorded at or before `time`: O(events after time). */
  async positionAt(time: Date): Promise<number> {
    const t = time.toISOString();
    try {
      const at = await firstOf(this.client.readAll({ direction: BACKWARDS, fromPosition: END }), (resolved) => {
        const e = toRecorded(resolved);
        return e && e.metadata.recordedAt <= t ? e.position : undefined;
      });
      return at ?? 0;
    } catch (e) {
      throw mapEventStoreDbError(e, 'positionAt');
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
      throw mapEventStoreDbError(e, `read of "${streamName}"`, streamName);
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
