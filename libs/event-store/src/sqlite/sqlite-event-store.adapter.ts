import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
import {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoreHealth,
  SubscribeToAllOptions,
  Subscription,
} from '../event-store.port';
import { DuplicateEventId, StoreUnavailable, StreamNotFound } from '../event-store.errors';
import { GENESIS_HASH } from '../hash-chain';
import { assertEventsFit, storedEventBytes } from '../append-size';
import { sealEventForStorage, validateStreamName } from '../new-event';
import { catchUpSubscription } from '../sql/catch-up-subscription';
import { assertAppendable, assertOneLowerBound, checkExpected } from '../sql/expected-revision';
import { openStoreFile } from './sqlite-schema';
import { mapStoreError, sqliteCode } from './sqlite-store-errors';

export { SQLITE_STORE_MAGIC, SQLITE_STORE_SCHEMA_VERSION } from './sqlite-schema';

export interface SqliteEventStoreOptions {
  /** The database file; relative paths resolve against the working directory, missing parent directories are created. */
  path: string;
  /**
   * FULL (default): an acknowledged append survives power loss. NORMAL only
   * for benchmarks and throwaway stores: in WAL mode a power cut may lose the
   * last commits (never corrupt the file).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another process's write lock before StoreUnavailable (default 5000 ms). */
  busyTimeoutMs?: number;
  /** Source of recordedAt (default: the system clock). */
  clock?: () => Date;
  /** How often a live subscription looks for appends made by other processes (default 50 ms). */
  pollIntervalMs?: number;
  /** Events per page when reading the log (default 2000). */
  pageSize?: number;
}

type Row = [number, string, number, string, string, string, string, string, string];

const COLUMNS = 'position, stream_name, revision, id, type, data, metadata, prev_hash, hash';

/**
 * In-process "something was appended" signal, per database file, so live
 * subscriptions of every adapter instance on the same file in this process
 * wake at once. Other processes are seen by polling.
 */
const appended = new EventEmitter();
appended.setMaxListeners(0);

function toEvent(r: Row): RecordedEvent {
  return {
    id: r[3],
    streamName: r[1],
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]) as EventMetadata,
    revision: r[2],
    position: r[0],
    prevHash: r[7],
    hash: r[8],
  };
}

/**
 * The embedded event log: one SQLite file (WAL), the global position is the
 * rowid of the events table.
 *
 * Why positions never appear out of order to a reader, even with writers in
 * several processes: every append runs in a BEGIN IMMEDIATE transaction, so
 * it holds the database's single write lock from its first read to its
 * commit. A new rowid is max(rowid)+1 as seen inside that lock, so rowids
 * are handed out in commit order: a transaction that gets a higher rowid
 * started after every lower one committed (a rolled-back transaction's rowids
 * were never visible and are simply reused). A reader that sees position p
 * therefore already sees every position below p, and a subscription that
 * keeps "last delivered position" as its cursor can neither skip nor repeat.
 * Rows are never updated or deleted, so rowids are never reused once seen.
 */
export class SqliteEventStore extends EventStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  private readonly stmt: {
    streamTip: Database.Statement<[string], [number, string]>;
    lastRecordedAt: Database.Statement<[], string>;
    insert: Database.Statement<[string, number, string, string, string, string, string, string, string]>;
    head: Database.Statement<[], number | null>;
    page: Database.Statement<[number, number, number], Row>;
    streamForwards: Database.Statement<[string, number, number], Row>;
    streamBackwards: Database.Statement<[string, number, number], Row>;
    positionAt: Database.Statement<[string], number>;
  };
  private readonly appendTx: (streamName: string, events: NewEvent[], expected: ExpectedRevision) => AppendResult;

  constructor(options: SqliteEventStoreOptions) {
    super();
    this.file = path.resolve(options.path);
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.pageSize = options.pageSize ?? 2000;
    this.db = openStoreFile(this.file, options);
    const db = this.db;
    this.stmt = {
      streamTip: db
        .prepare<[string], [number, string]>('SELECT revision, hash FROM events WHERE stream_name = ? ORDER BY revision DESC LIMIT 1')
        .raw(),
      lastRecordedAt: db.prepare<[], string>('SELECT recorded_at FROM events ORDER BY position DESC LIMIT 1').pluck(),
      insert: db.prepare(
        'INSERT INTO events (stream_name, revision, id, type, data, metadata, prev_hash, hash, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      head: db.prepare<[], number | null>('SELECT max(position) FROM events').pluck(),
      page: db
        .prepare<[number, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE position >= ? AND position <= ? ORDER BY position LIMIT ?`,
        )
        .raw(),
      streamForwards: db
        .prepare<[string, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision >= ? ORDER BY revision LIMIT ?`,
        )
        .raw(),
      streamBackwards: db
        .prepare<[string, number, number], Row>(
          `SELECT ${COLUMNS} FROM events WHERE stream_name = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
        )
        .raw(),
      positionAt: db
        .prepare<[string], number>('SELECT position FROM events WHERE recorded_at <= ? ORDER BY recorded_at DESC, position DESC LIMIT 1')
        .pluck(),
    };

    // The revision check, the chain tip read and the inserts run under one
    // write lock (BEGIN IMMEDIATE), so no other writer, in this process or
    // another, can slip in between the check and the write.
    const tx = db.transaction((streamName: string, events: NewEvent[], expected: ExpectedRevision): AppendResult => {
      const tip = this.stmt.streamTip.get(streamName);
      const current = tip?.[0];
      checkExpected(streamName, expected, current);
      // recordedAt never goes backwards, even if this machine's clock does or
      // another process's clock is behind: "as of T" stays a prefix of the log.
      const now = this.clock().toISOString();
      const last = this.stmt.lastRecordedAt.get();
      const recordedAt = last !== undefined && last > now ? last : now;
      let revision = current === undefined ? 0 : current + 1;
      let prevHash = tip?.[1] ?? GENESIS_HASH;
      const recorded: RecordedEvent[] = [];
      let bytes = 0;
      for (const event of events) {
        const { event: s, dataJson, metadataJson } = sealEventForStorage(streamName, event, revision, prevHash, recordedAt);
        bytes += storedEventBytes(s.type, dataJson, metadataJson);
        // Checked as it grows: the transaction rolls back, nothing is written.
        assertEventsFit(streamName, [bytes]);
        const info = this.stmt.insert.run(streamName, s.revision, s.id, s.type, dataJson, metadataJson, s.prevHash, s.hash, recordedAt);
        recorded.push({ ...s, position: Number(info.lastInsertRowid) });
        revision += 1;
        prevHash = s.hash;
      }
      const lastEvent = recorded[recorded.length - 1];
      return { nextExpectedRevision: lastEvent.revision, position: lastEvent.position, events: recorded };
    });
    this.appendTx = tx.immediate;
  }

  /** The underlying connection, for tests and tools that must look at raw rows (e.g. tamper tests). */
  get database(): Database.Database {
    return this.db;
  }

  async appendToStream(streamName: string, events: NewEvent[], options: AppendOptions): Promise<AppendResult> {
    validateStreamName(streamName);
    assertAppendable(streamName, events, options?.expectedRevision);
    let result: AppendResult;
    try {
      result = this.appendTx(streamName, events, options.expectedRevision);
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_CONSTRAINT_UNIQUE' && /events\.id/.test((e as Error).message)) {
        const ids = new Set(events.map((x) => x.id));
        const taken = [...ids].find((id) => id !== undefined && this.db.prepare('SELECT 1 FROM events WHERE id = ?').get(id));
        throw new DuplicateEventId(taken ?? [...ids].join(', '));
      }
      throw mapStoreError(e, `append to "${streamName}"`);
    }
    appended.emit(this.file);
    return result;
  }

  async readStream(streamName: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? -1;
    let rows: Row[];
    try {
      rows =
        options.direction === 'backwards'
          ? this.stmt.streamBackwards.all(streamName, options.fromRevision ?? Number.MAX_SAFE_INTEGER, limit)
          : this.stmt.streamForwards.all(streamName, options.fromRevision ?? 0, limit);
      if (rows.length === 0 && !(await this.streamExists(streamName))) throw new StreamNotFound(streamName);
    } catch (e) {
      throw mapStoreError(e, `read of "${streamName}"`);
    }
    return rows.map(toEvent);
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    // A hand-written iterator rather than an async generator: it hands out a
    // page it already holds without an extra generator frame per event.
    // Rowids are integers, so inside this adapter "after p" is "from p + 1".
    assertOneLowerBound(options);
    const from = Math.max(1, options.afterPosition !== undefined ? options.afterPosition + 1 : (options.fromPosition ?? 1));
    const pageSize = Math.max(1, options.pageSize ?? this.pageSize);
    const head = (): number => this.head();
    const pageOf = this.stmt.page;
    return {
      [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
        let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
        let to: number | undefined = options.toPosition;
        let next = from;
        let page: Row[] = [];
        let i = 0;
        let finished = false;
        const done: IteratorResult<RecordedEvent> = { value: undefined, done: true };
        return {
          next(): Promise<IteratorResult<RecordedEvent>> {
            if (i < page.length && remaining > 0) {
              remaining -= 1;
              return Promise.resolve({ value: toEvent(page[i++]), done: false });
            }
            if (finished || remaining <= 0) return Promise.resolve(done);
            try {
              if (to === undefined) to = head();
              page = next <= to ? pageOf.all(next, to, Math.min(pageSize, remaining)) : [];
            } catch (e) {
              finished = true;
              return Promise.reject(mapStoreError(e, 'readAll'));
            }
            i = 0;
            if (page.length === 0) {
              finished = true;
              return Promise.resolve(done);
            }
            next = page[page.length - 1][0] + 1;
            remaining -= 1;
            return Promise.resolve({ value: toEvent(page[i++]), done: false });
          },
          return(): Promise<IteratorResult<RecordedEvent>> {
            finished = true;
            page = [];
            return Promise.resolve(done);
          },
        };
      },
    };
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const subscription = catchUpSubscription(
      {
        head: () => this.head(),
        after: (checkpoint, max) => this.stmt.page.all(checkpoint + 1, Number.MAX_SAFE_INTEGER, max).map(toEvent),
        onAppend: (listener) => {
          appended.on(this.file, listener);
          return () => appended.off(this.file, listener);
        },
        pollIntervalMs: this.pollIntervalMs,
        // A busy or locked read is transient under WAL: wait for the next poll.
        isTransient: (e) => {
          const mapped = mapStoreError(e, 'subscription');
          return mapped instanceof StoreUnavailable && /SQLITE_(BUSY|LOCKED)/.test(mapped.message) && !this.closed;
        },
        mapError: (e) => mapStoreError(e, 'subscription'),
      },
      options,
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async streamRevision(streamName: string): Promise<number | undefined> {
    try {
      return this.stmt.streamTip.get(streamName)?.[0];
    } catch (e) {
      throw mapStoreError(e, `revision of "${streamName}"`);
    }
  }

  async headPosition(): Promise<number> {
    try {
      return this.head();
    } catch (e) {
      throw mapStoreError(e, 'headPosition');
    }
  }

  async positionAt(time: Date): Promise<number> {
    try {
      return this.stmt.positionAt.get(time.toISOString()) ?? 0;
    } catch (e) {
      throw mapStoreError(e, 'positionAt');
    }
  }

  async health(): Promise<StoreHealth> {
    try {
      return { ok: true, kind: 'sqlite', detail: this.file, headPosition: this.head() };
    } catch (e) {
      const mapped = mapStoreError(e, 'health');
      return { ok: false, kind: 'sqlite', detail: mapped instanceof Error ? mapped.message : String(mapped) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  private head(): number {
    return this.stmt.head.get() ?? 0;
  }
}
