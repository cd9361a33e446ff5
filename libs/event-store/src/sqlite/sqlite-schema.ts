import { existsSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { IncompatibleStore } from '../event-store.errors';
import { mapStoreError, sqliteCode } from './sqlite-store-errors';

/** Written into the meta table (and the SQLite header's application_id) so a foreign file is recognised. */
export const SQLITE_STORE_MAGIC = '1tt-ledger-event-store';
const APPLICATION_ID = 0x31545445; // "1TTE"
/** Schema version this build writes; a file with a higher one is refused. */
export const SQLITE_STORE_SCHEMA_VERSION = 1;

/** What opening the file needs to know. */
export interface SqliteFileOptions {
  synchronous?: 'FULL' | 'NORMAL';
  busyTimeoutMs?: number;
}

/**
 * Opens (or creates) the store file and checks it is ours. Nothing is
 * written to a file that turns out to be something else: the check comes
 * before switching it to WAL.
 */
export function openStoreFile(file: string, options: SqliteFileOptions): Database.Database {
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
