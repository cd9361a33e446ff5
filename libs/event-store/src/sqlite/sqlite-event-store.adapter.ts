import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type Database from 'better-sqlite3';
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
import { DuplicateEventId, StreamNotFound } from '../event-store.errors';
import { validateStreamName } from '../new-event';
import { assertAppendable } from '../sql/expected-revision';
import { sqliteAppend, type SqliteAppend } from './sqlite-append';
import { readLogPages } from './sqlite-log-reader';
import { openStoreFile } from './sqlite-schema';
import { prepareStatements, toEvent, type Row, type SqliteStatements } from './sqlite-statements';
import { mapStoreError, sqliteCode } from './sqlite-store-errors';
import { signalAppend, subscribeToSqliteLog } from './sqlite-subscription';

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
 *
 * The parts, one file each: schema and opening (sqlite-schema.ts), the
 * statements and row mapping (sqlite-statements.ts), the append
 * transaction (sqlite-append.ts), reading the log (sqlite-log-reader.ts)
 * and the catch-up subscription (sqlite-subscription.ts); this class wires
 * them to the EventStore port.
 */
export class SqliteEventStore extends EventStore {
  readonly file: string;
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly pollIntervalMs: number;
  private readonly pageSize: number;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  private readonly stmt: SqliteStatements;
  private readonly appendTx: SqliteAppend;

  constructor(options: SqliteEventStoreOptions) {
    super();
    this.file = path.resolve(options.path);
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 50;
    this.pageSize = options.pageSize ?? 2000;
    this.db = openStoreFile(this.file, options);
    this.stmt = prepareStatements(this.db);
    this.appendTx = sqliteAppend(this.db, this.stmt, this.clock);
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
    signalAppend(this.file);
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
    return readLogPages(this.stmt, this.pageSize, options);
  }

  subscribeToAll(options: SubscribeToAllOptions): Subscription {
    const subscription = subscribeToSqliteLog(
      this.file,
      this.stmt,
      { pollIntervalMs: this.pollIntervalMs, closed: () => this.closed },
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
