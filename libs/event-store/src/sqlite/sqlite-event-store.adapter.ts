import { EventEmitter } from 'node:events';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
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
import { DuplicateEventId, IncompatibleStore, StoreUnavailable, StreamNotFound, WrongExpectedRevision } from '../event-store.errors';
import { GENESIS_HASH } from '../hash-chain';
import { sealEventForStorage, validateStreamName } from '../new-event';

/** Written into the meta table (and the SQLite header's application_id) so a foreign file is recognised. */
export const SQLITE_STORE_MAGIC = '1tt-ledger-event-store';
const APPLICATION_ID = 0x31545445; // "1TTE"
/** Schema version this build writes; a file with a higher one is refused. */
export const SQLITE_STORE_SCHEMA_VERSION = 1;

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

/** The SQLITE_* code of a better-sqlite3 error (duck-typed: instanceof fails across module registries such as Jest's). */
function sqliteCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Errors that mean "the store cannot serve now" become StoreUnavailable;
 * everything else (our typed errors, bugs) passes through unchanged.
 */
function mapStoreError(e: unknown, what: string): unknown {
  const code = sqliteCode(e);
  if (code) {
    if (/^SQLITE_(BUSY|LOCKED|IOERR|READONLY|FULL|CANTOPEN|CORRUPT|NOTADB|PROTOCOL|NOMEM|PERM)/.test(code)) {
      return new StoreUnavailable(`Event store unavailable during ${what}: ${code}: ${(e as Error).message}`, e);
    }
    return e;
  }
  // By message, not instanceof: the native addon's TypeError is not the one of a Jest sandbox.
  if (/database connection is not open/i.test(String((e as Error | null)?.message))) {
    return new StoreUnavailable(`Event store is closed (${what})`, e);
  }
  return e;
}

function checkExpected(streamName: string, expected: ExpectedRevision, current: number | undefined): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === undefined) ||
    (expected === 'exists' && current !== undefined) ||
    (typeof expected === 'number' && current === expected);
  if (!ok) throw new WrongExpectedRevision(streamName, expected, current ?? 'no-stream');
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
      for (const event of events) {
        const { event: s, dataJson, metadataJson } = sealEventForStorage(streamName, event, revision, prevHash, recordedAt);
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
    const maxBatch = Math.max(1, options.maxBatchSize ?? 500);
    let stopped = false;
    let wake: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    const onAppend = (): void => wake?.();
    appended.on(this.file, onAppend);

    const run = async (): Promise<void> => {
      let checkpoint = options.checkpoint ?? 0;
      const startHead = this.head();
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
        let rows: Row[];
        try {
          rows = this.stmt.page.all(checkpoint + 1, Number.MAX_SAFE_INTEGER, maxBatch);
        } catch (e) {
          const mapped = mapStoreError(e, 'subscription');
          // A busy or locked read is transient under WAL: wait for the next poll.
          if (mapped instanceof StoreUnavailable && /SQLITE_(BUSY|LOCKED)/.test(mapped.message) && !this.closed) rows = [];
          else throw mapped;
        }
        if (rows.length > 0) {
          await options.handler(rows.map(toEvent));
          checkpoint = rows[rows.length - 1][0];
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
          timer = setTimeout(resolve, this.pollIntervalMs);
        });
        clearTimeout(timer);
        wake = undefined;
        lastYield = Date.now();
      }
    };

    const done = run()
      .catch((e: unknown) => {
        throw mapStoreError(e, 'subscription');
      })
      .finally(() => {
        appended.off(this.file, onAppend);
        this.subscriptions.delete(subscription);
      });
    // The caller may only ever call stop(); a failure must not become an unhandled rejection.
    done.catch(() => undefined);
    const subscription: Subscription = {
      done,
      stop: async () => {
        stopped = true;
        wake?.();
        await done.catch(() => undefined);
      },
    };
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

/**
 * Opens (or creates) the store file and checks it is ours. Nothing is
 * written to a file that turns out to be something else: the check comes
 * before switching it to WAL.
 */
function openStoreFile(file: string, options: SqliteEventStoreOptions): Database.Database {
  const existed = existsSync(file) && statSync(file).size > 0;
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
  } catch (e) {
    throw mapStoreError(e, `open of ${file}`);
  }
  try {
    let tables: string[];
    try {
      tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    } catch (e) {
      if (sqliteCode(e) === 'SQLITE_NOTADB' || /file is not a database/i.test(String((e as Error)?.message))) {
        throw new IncompatibleStore(
          `${file} is not a 1TT event store (it is not an SQLite database). Point EVENT_STORE_URL at an event store file or a new path.`,
        );
      }
      throw e;
    }
    if (existed && tables.length > 0) checkMeta(db, file, tables);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    // 64 MiB page cache (the default is 2 MiB): the id and stream indexes of a
    // million-event log stay in memory, so appends do not re-read index pages.
    db.pragma('cache_size = -65536');
    // Two processes may create the same new file at once: the schema is
    // created under the write lock and only if it is still missing.
    db.transaction(() => {
      const now = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
      if (now.length > 0) {
        checkMeta(db, file, now);
        return;
      }
      db.exec(`
        CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
        CREATE TABLE events (
          position    INTEGER PRIMARY KEY,
          stream_name TEXT    NOT NULL,
          revision    INTEGER NOT NULL,
          id          TEXT    NOT NULL UNIQUE,
          type        TEXT    NOT NULL,
          data        TEXT    NOT NULL,
          metadata    TEXT    NOT NULL,
          prev_hash   TEXT    NOT NULL,
          hash        TEXT    NOT NULL,
          recorded_at TEXT    NOT NULL,
          UNIQUE (stream_name, revision)
        ) STRICT;
        CREATE INDEX events_by_recorded_at ON events (recorded_at, position);
        PRAGMA application_id = ${APPLICATION_ID};
        PRAGMA user_version = ${SQLITE_STORE_SCHEMA_VERSION};
      `);
      const put = db.prepare('INSERT INTO store_meta (key, value) VALUES (?, ?)');
      put.run('magic', SQLITE_STORE_MAGIC);
      put.run('schema_version', String(SQLITE_STORE_SCHEMA_VERSION));
    }).immediate();
    return db;
  } catch (e) {
    db.close();
    throw mapStoreError(e, `open of ${file}`);
  }
}

function checkMeta(db: Database.Database, file: string, tables: string[]): void {
  if (!tables.includes('store_meta')) {
    throw new IncompatibleStore(`${file} is an SQLite database but not a 1TT event store (no store_meta table). Refusing to touch it.`);
  }
  const meta = new Map(db.prepare<[], [string, string]>('SELECT key, value FROM store_meta').raw().all());
  if (meta.get('magic') !== SQLITE_STORE_MAGIC) {
    throw new IncompatibleStore(
      `${file} is an SQLite database but not a 1TT event store (magic is ${JSON.stringify(meta.get('magic') ?? null)}).`,
    );
  }
  // The version lives in the meta table and in the SQLite header (user_version, readable by any tool); the higher wins.
  const version = Math.max(Number(meta.get('schema_version')), Number(db.pragma('user_version', { simple: true })));
  if (!Number.isInteger(version)) {
    throw new IncompatibleStore(
      `${file}: the event store's schema version is unreadable (${JSON.stringify(meta.get('schema_version') ?? null)}).`,
    );
  }
  if (version > SQLITE_STORE_SCHEMA_VERSION) {
    throw new IncompatibleStore(
      `${file} was written by a newer version of the 1TT Ledger (event store schema ${version}; this build reads up to ${SQLITE_STORE_SCHEMA_VERSION}). Upgrade the software; the file was not changed.`,
    );
  }
}

function assertAppendable(streamName: string, events: NewEvent[], expected: unknown): void {
  if (!Array.isArray(events) || events.length === 0) throw new TypeError(`Nothing to append to "${streamName}": give at least one event`);
  const ok =
    expected === 'no-stream' ||
    expected === 'exists' ||
    expected === 'any' ||
    (typeof expected === 'number' && Number.isSafeInteger(expected) && expected >= 0);
  if (!ok) throw new TypeError(`Bad expected revision ${String(expected)}: use 'no-stream', 'exists', 'any' or a revision (integer >= 0)`);
}
