import type pg from 'pg';
import { IncompatibleStore } from '../event-store.errors';
import { ident, lockKey } from './postgres-connection';

/** Written into store_meta so a schema of another application is recognised. */
export const POSTGRES_STORE_MAGIC = '1tt-ledger-event-store';
/** Schema version this build writes; a database with a higher one is refused. */
export const POSTGRES_STORE_SCHEMA_VERSION = 1;
/** First key of every advisory lock this store takes ("1TTE"); the second is derived from the schema name. */
export const LOCK_CLASS = 0x31545445;

/**
 * Creates the tables if missing and checks a schema that exists is ours.
 * Runs under a session advisory lock so that processes starting at once do
 * not race on CREATE TABLE.
 *
 * events.position is an identity column (a sequence): values are handed out
 * at insert, may have gaps (a rolled-back append consumes them), and are in
 * commit order because every append holds the append lock (see the adapter).
 * data and metadata are the canonical JSON text that was hashed (text, not
 * jsonb, which would reorder keys and lose the exact bytes).
 */
export async function ensurePostgresSchema(client: pg.PoolClient, schema: string): Promise<void> {
  const s = ident(schema);
  await client.query(`SELECT pg_advisory_lock(${LOCK_CLASS}, ${lockKey(`schema:${schema}`)})`);
  try {
    const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [
      schema,
    ]);
    const names = tables.rows.map((r) => r.table_name);
    if (names.includes('events') || names.includes('store_meta')) {
      await checkMeta(client, schema, names);
      return;
    }
    await client.query('BEGIN');
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE ${s}.store_meta (key text PRIMARY KEY, value text NOT NULL);
      CREATE TABLE ${s}.events (
        position    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        stream_name text   NOT NULL,
        revision    bigint NOT NULL,
        id          text   NOT NULL,
        type        text   NOT NULL,
        data        text   NOT NULL,
        metadata    text   NOT NULL,
        prev_hash   text   NOT NULL,
        hash        text   NOT NULL,
        recorded_at text   NOT NULL,
        CONSTRAINT events_id_unique UNIQUE (id),
        CONSTRAINT events_stream_revision_unique UNIQUE (stream_name, revision)
      );
      CREATE INDEX events_by_recorded_at ON ${s}.events (recorded_at, position);
      INSERT INTO ${s}.store_meta (key, value) VALUES ('magic', '${POSTGRES_STORE_MAGIC}'), ('schema_version', '${POSTGRES_STORE_SCHEMA_VERSION}');
    `);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.query(`SELECT pg_advisory_unlock(${LOCK_CLASS}, ${lockKey(`schema:${schema}`)})`).catch(() => undefined);
  }
}

async function checkMeta(client: pg.PoolClient, schema: string, tables: string[]): Promise<void> {
  if (!tables.includes('store_meta')) {
    throw new IncompatibleStore(
      `Schema "${schema}" has an events table but is not a 1TT event store (no store_meta). Refusing to touch it.`,
    );
  }
  const rows = await client.query<{ key: string; value: string }>(`SELECT key, value FROM ${ident(schema)}.store_meta`);
  const meta = new Map(rows.rows.map((r) => [r.key, r.value]));
  if (meta.get('magic') !== POSTGRES_STORE_MAGIC) {
    throw new IncompatibleStore(`Schema "${schema}" is not a 1TT event store (magic is ${JSON.stringify(meta.get('magic') ?? null)}).`);
  }
  const version = Number(meta.get('schema_version'));
  if (!Number.isInteger(version)) throw new IncompatibleStore(`Schema "${schema}": the event store's schema version is unreadable.`);
  if (version > POSTGRES_STORE_SCHEMA_VERSION) {
    throw new IncompatibleStore(
      `Schema "${schema}" was written by a newer version of the 1TT Ledger (event store schema ${version}; this build reads up to ${POSTGRES_STORE_SCHEMA_VERSION}). Upgrade the software; nothing was changed.`,
    );
  }
}
