import type Database from 'better-sqlite3';
import type { EventMetadata, RecordedEvent } from '../event-store.port';

/** An events row as the statements below return it (raw arrays: no object per row). */
export type Row = [number, string, number, string, string, string, string, string, string];

const COLUMNS = 'position, stream_name, revision, id, type, data, metadata, prev_hash, hash';

export function toEvent(r: Row): RecordedEvent {
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

/** Every statement of the embedded store, prepared once per connection. */
export interface SqliteStatements {
  streamTip: Database.Statement<[string], [number, string]>;
  lastRecordedAt: Database.Statement<[], string>;
  insert: Database.Statement<[string, number, string, string, string, string, string, string, string]>;
  head: Database.Statement<[], number | null>;
  page: Database.Statement<[number, number, number], Row>;
  streamForwards: Database.Statement<[string, number, number], Row>;
  streamBackwards: Database.Statement<[string, number, number], Row>;
  positionAt: Database.Statement<[string], number>;
}

export function prepareStatements(db: Database.Database): SqliteStatements {
  return {
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
}
