import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { ConflictError, ValidationError } from '@1tt/domain-errors';
import { checkCollection, checkField, checkId, encodeCursor, findQuery, FindQuery, orderValue, readPosition } from './read-model-input';
import {
  CollectionOptions,
  FindOptions,
  FindPage,
  OPEN_VERSION,
  ProjectionState,
  ReadModelDocument,
  ReadModelStore,
  ReadModelStoreHealth,
  ReadModelTransaction,
  ReadModelVersion,
  ReadOptions,
  ResetOptions,
  TransactResult,
} from './read-model-store.port';
import { BufferedReadModelTransaction, WritePlan } from './read-model-write-buffer';
import { checkProjectionName } from './projection-name';

export const READ_MODEL_SCHEMA_VERSION = 1;
const FORMAT = '1tt-read-models';

export interface SqliteReadModelStoreOptions {
  /** Database file (created with its directory when missing), or ':memory:'. */
  path: string;
  /**
   * NORMAL by default: in WAL mode a power loss may drop the last commits,
   * but never splits one (read models and checkpoint stay consistent and the
   * projection re-applies from its checkpoint). FULL makes commits durable.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** SQLite page cache of this connection in MiB (default 64). */
  cacheMiB?: number;
}

interface VersionRow {
  id: string;
  valid_from: number;
  valid_to: number;
  doc: string;
}

/**
 * Read models in one SQLite file. All versions live in one table:
 * (collection, id, valid_from) is unique and indexed, so "the version of a
 * document at P" is one index seek (greatest valid_from <= P, then
 * valid_to > P). (collection, valid_to, id) serves find at the latest
 * position (valid_to = OPEN_VERSION) in id order, and near-present positions
 * by a range on valid_to. Declared fields get an expression index on
 * json_extract(doc, '$.field').
 *
 * `transact` buffers the callback's writes, then applies them and the
 * checkpoint in one BEGIN IMMEDIATE transaction after checking that the
 * checkpoint is still the one the callback read from: a crash, an error in
 * the callback or a concurrent writer can neither skip nor double-apply.
 */
export class SqliteReadModelStore extends ReadModelStore {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly commitPlan: Database.Transaction<(projection: string, base: number, plan: WritePlan) => void>;
  private readonly resetTx: Database.Transaction<(projection: string, collections: readonly string[], version: string | null) => void>;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly file: string,
  ) {
    super();
    this.commitPlan = db.transaction((projection: string, base: number, plan: WritePlan) => {
      const current = this.checkpointRow(projection)?.position ?? 0;
      if (current !== base) throw checkpointMoved(projection, base, current);
      const prevStmt = this.stmt(
        'SELECT seq, valid_to FROM rm_versions WHERE collection = ? AND id = ? AND valid_from < ? ORDER BY valid_from DESC LIMIT 1',
      );
      const closeStmt = this.stmt('UPDATE rm_versions SET valid_to = ? WHERE seq = ?');
      const upsertStmt = this.stmt(
        `INSERT INTO rm_versions (collection, id, valid_from, valid_to, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection, id, valid_from) DO UPDATE SET valid_to = excluded.valid_to, doc = excluded.doc`,
      );
      // The last version of a document in the batch: when it already exists (a replay over
      // leftovers), its valid_to was set by those leftovers' later writes and stays.
      const upsertLastStmt = this.stmt(
        `INSERT INTO rm_versions (collection, id, valid_from, valid_to, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (collection, id, valid_from) DO UPDATE SET doc = excluded.doc`,
      );
      const deleteStmt = this.stmt('DELETE FROM rm_versions WHERE collection = ? AND id = ? AND valid_from = ?');
      const documentStmt = this.stmt('INSERT OR IGNORE INTO rm_documents (collection, id) VALUES (?, ?)');
      for (const d of plan.documents) {
        documentStmt.run(d.collection, d.id);
        const first = d.versions[0].position;
        const prev = prevStmt.get(d.collection, d.id, first) as { seq: number; valid_to: number } | undefined;
        if (prev && prev.valid_to > first) closeStmt.run(first, prev.seq);
        d.versions.forEach((v, i) => {
          const next = d.versions[i + 1]?.position;
          if (v.json === undefined) deleteStmt.run(d.collection, d.id, v.position);
          else if (next === undefined) upsertLastStmt.run(d.collection, d.id, v.position, OPEN_VERSION, v.json);
          else upsertStmt.run(d.collection, d.id, v.position, next, v.json);
        });
      }
      this.stmt(
        `INSERT INTO rm_checkpoints (projection, position, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
      ).run(projection, plan.checkpoint, new Date().toISOString());
    });
    this.resetTx = db.transaction((projection: string, collections: readonly string[], version: string | null) => {
      const del = this.stmt('DELETE FROM rm_versions WHERE collection = ?');
      const delDocuments = this.stmt('DELETE FROM rm_documents WHERE collection = ?');
      for (const c of collections) {
        del.run(c);
        delDocuments.run(c);
      }
      this.stmt(
        `INSERT INTO rm_checkpoints (projection, position, version, updated_at) VALUES (?, 0, ?, ?)
         ON CONFLICT (projection) DO UPDATE SET position = 0, version = excluded.version, updated_at = excluded.updated_at`,
      ).run(projection, version, new Date().toISOString());
    });
  }

  static open(options: SqliteReadModelStoreOptions): SqliteReadModelStore {
    const file = options.path === ':memory:' ? ':memory:' : path.resolve(options.path);
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
      db.pragma('busy_timeout = 5000');
      // The default 2 MiB page cache thrashes once the version indexes outgrow it (millions of versions).
      db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
      initialiseSchema(db, file);
    } catch (e) {
      db.close();
      throw e;
    }
    return new SqliteReadModelStore(db, file);
  }

  override async ensureCollection(collection: string, options: CollectionOptions = {}): Promise<void> {
    checkCollection(collection);
    for (const field of options.indexes ?? []) {
      checkField(field, 'indexes');
      // Index names are case-insensitive in SQLite, field names are not: a hash keeps them apart.
      // (`typed`: the index of the type-ranked order, which replaced an index on the value alone.)
      const suffix = createHash('sha256').update(`typed:${field}`).digest('hex').slice(0, 8);
      this.db.exec(
        `CREATE INDEX IF NOT EXISTS rm_field_${field}_${suffix} ON rm_versions (collection, ${rankOf(field)}, ${jsonField(field)}, valid_to, id)`,
      );
    }
  }

  override async get<T extends ReadModelDocument = ReadModelDocument>(
    collection: string,
    id: string,
    options: ReadOptions = {},
  ): Promise<ReadModelVersion<T> | undefined> {
    const row = this.versionAt(checkCollection(collection), checkId(id), readPosition(options.atPosition));
    return row ? toVersion<T>(row) : undefined;
  }

  override async find<T extends ReadModelDocument = ReadModelDocument>(
    collection: string,
    options: FindOptions = {},
  ): Promise<FindPage<T>> {
    checkCollection(collection);
    const q = findQuery(options);
    const { sql, params } = findSql(collection, q);
    const rows = this.stmt(sql).all(...params) as VersionRow[];
    const items = rows.slice(0, q.limit).map((r) => toVersion<T>(r));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > q.limit && last ? encodeCursor(orderValue(last.doc, q.orderBy), last.id) : undefined,
    };
  }

  override async transact(projection: string, fn: (tx: ReadModelTransaction) => Promise<void> | void): Promise<TransactResult> {
    checkProjectionName(projection);
    const base = this.checkpointRow(projection)?.position ?? 0;
    const tx = new BufferedReadModelTransaction(projection, base, async (c, id, at) => this.versionAt(c, id, at)?.doc);
    let plan: WritePlan;
    try {
      await fn(tx);
    } finally {
      plan = tx.seal();
    }
    if (plan.documents.length > 0 || plan.checkpoint !== base) this.commitPlan.immediate(projection, base, plan);
    return { previousCheckpoint: base, checkpoint: plan.checkpoint, changes: plan.changes };
  }

  override async getCheckpoint(projection: string): Promise<number> {
    return this.checkpointRow(checkProjectionName(projection))?.position ?? 0;
  }

  override async getProjectionState(projection: string): Promise<ProjectionState | undefined> {
    const row = this.checkpointRow(checkProjectionName(projection));
    return row ? { position: row.position, version: row.version ?? undefined, updatedAt: row.updated_at } : undefined;
  }

  override async reset(projection: string, collections: readonly string[], options: ResetOptions = {}): Promise<void> {
    checkProjectionName(projection);
    collections.forEach(checkCollection);
    this.resetTx.immediate(projection, collections, options.version ?? null);
  }

  override async health(): Promise<ReadModelStoreHealth> {
    try {
      this.db.prepare('SELECT count(*) FROM rm_checkpoints').get();
      return { ok: true, kind: 'sqlite', detail: this.file };
    } catch (e) {
      return { ok: false, kind: 'sqlite', detail: (e as Error).message };
    }
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private versionAt(collection: string, id: string, position: number): VersionRow | undefined {
    const row = this.stmt(
      'SELECT id, valid_from, valid_to, doc FROM rm_versions WHERE collection = ? AND id = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1',
    ).get(collection, id, position) as VersionRow | undefined;
    return row && row.valid_to > position ? row : undefined;
  }

  private checkpointRow(projection: string): { position: number; version: string | null; updated_at: string } | undefined {
    return this.stmt('SELECT position, version, updated_at FROM rm_checkpoints WHERE projection = ?').get(projection) as
      { position: number; version: string | null; updated_at: string } | undefined;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }
}

function initialiseSchema(db: Database.Database, file: string): void {
  const init = db.transaction(() => {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    if (tables.length > 0) {
      const meta = tables.includes('rm_meta')
        ? Object.fromEntries(
            (db.prepare('SELECT key, value FROM rm_meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]),
          )
        : {};
      if (meta.format !== FORMAT) {
        throw new ValidationError('not_a_read_model_store', `${file} is an SQLite database but not a 1TT read-model store`, {
          field: 'READ_MODEL_URL',
          hint: 'Point READ_MODEL_URL at a new file or at a read-model store (the event log lives in another file).',
        });
      }
      const version = Number(meta.schema_version);
      if (!(version <= READ_MODEL_SCHEMA_VERSION)) {
        throw new ValidationError(
          'read_model_schema_too_new',
          `${file} was written by read-model schema version ${meta.schema_version}; this program knows up to ${READ_MODEL_SCHEMA_VERSION}`,
          { field: 'READ_MODEL_URL', hint: 'Run a newer release, or rebuild the read models into a new file.' },
        );
      }
      return;
    }
    db.exec(`
      CREATE TABLE rm_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE rm_versions (
        seq INTEGER PRIMARY KEY,
        collection TEXT NOT NULL,
        id TEXT NOT NULL,
        valid_from INTEGER NOT NULL,
        valid_to INTEGER NOT NULL,
        doc TEXT NOT NULL
      );
      CREATE UNIQUE INDEX rm_versions_key ON rm_versions (collection, id, valid_from);
      CREATE INDEX rm_versions_live ON rm_versions (collection, valid_to, id);
      CREATE TABLE rm_documents (collection TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (collection, id)) WITHOUT ROWID;
      CREATE TABLE rm_checkpoints (projection TEXT PRIMARY KEY, position INTEGER NOT NULL, version TEXT, updated_at TEXT NOT NULL);
    `);
    const meta = db.prepare('INSERT INTO rm_meta (key, value) VALUES (?, ?)');
    meta.run('format', FORMAT);
    meta.run('schema_version', String(READ_MODEL_SCHEMA_VERSION));
  });
  init.immediate();
}

function findSql(collection: string, q: FindQuery): { sql: string; params: unknown[] } {
  if (!q.latest && q.orderBy === undefined && q.where.length === 0) return pastPageSql(collection, q);
  const params: unknown[] = [collection];
  const conds = ['collection = ?'];
  if (q.latest) conds.push(`valid_to = ${OPEN_VERSION}`);
  else {
    conds.push('valid_to > ?', 'valid_from <= ?');
    params.push(q.position, q.position);
  }
  for (const [field, key] of q.where) {
    conds.push(`${rankOf(field)} = ${key.rank}`);
    if (key.rank !== 0) {
      conds.push(`${jsonField(field)} = ?`);
      params.push(sqlValue(key.value));
    }
  }
  const dir = q.descending ? 'DESC' : 'ASC';
  const r = q.orderBy === undefined ? undefined : rankOf(q.orderBy);
  const o = q.orderBy === undefined ? undefined : jsonField(q.orderBy);
  if (q.after) {
    const cmp = q.descending ? '<' : '>';
    if (r === undefined || o === undefined) {
      conds.push(`id ${cmp} ?`);
      params.push(q.after.id);
    } else if (q.after.key.rank === 0) {
      // Missing and null come first ascending, last descending.
      conds.push(q.descending ? `(${r} = 0 AND id < ?)` : `(${r} > 0 OR id > ?)`);
      params.push(q.after.id);
    } else {
      const { rank } = q.after.key;
      const v = sqlValue(q.after.key.value);
      conds.push(`(${r} ${cmp} ${rank} OR (${r} = ${rank} AND (${o} ${cmp} ? OR (${o} = ? AND id ${cmp} ?))))`);
      params.push(v, v, q.after.id);
    }
  }
  const order = r === undefined ? `id ${dir}` : `${r} ${dir}, ${o} ${dir}, id ${dir}`;
  params.push(q.limit + 1);
  return {
    sql: `SELECT id, valid_from, valid_to, doc FROM rm_versions WHERE ${conds.join(' AND ')} ORDER BY ${order} LIMIT ?`,
    params,
  };
}

/**
 * A page in id order at a past position: walk the collection's document ids
 * in order and seek each one's version at P (one index seek per id), instead
 * of scanning every version still valid at P, which near the start of the
 * log is nearly the whole history.
 */
function pastPageSql(collection: string, q: FindQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [q.position, collection];
  let cursor = '';
  if (q.after) {
    cursor = `AND d.id ${q.descending ? '<' : '>'} ?`;
    params.push(q.after.id);
  }
  params.push(q.position, q.limit + 1);
  return {
    sql: `SELECT v.id, v.valid_from, v.valid_to, v.doc FROM rm_documents d
          JOIN rm_versions v ON v.seq = (
            SELECT w.seq FROM rm_versions w WHERE w.collection = d.collection AND w.id = d.id AND w.valid_from <= ?
            ORDER BY w.valid_from DESC LIMIT 1)
          WHERE d.collection = ? ${cursor} AND v.valid_to > ?
          ORDER BY d.id ${q.descending ? 'DESC' : 'ASC'} LIMIT ?`,
    params,
  };
}

/** Field names are validated by checkField, so splicing them into the path is safe. */
const jsonField = (field: string) => `json_extract(doc, '$.${field}')`;

/**
 * The JSON type's rank of a field (see orderKey in read-model-input): what
 * makes `where` type-exact and `orderBy` the same order as on MongoDB.
 */
const rankOf = (field: string) =>
  `(CASE json_type(doc, '$.${field}') WHEN 'integer' THEN 1 WHEN 'real' THEN 1 WHEN 'text' THEN 2 WHEN 'true' THEN 3 WHEN 'false' THEN 3 WHEN 'array' THEN 4 WHEN 'object' THEN 4 ELSE 0 END)`;

/** Booleans are 1/0 in json_extract; arrays and objects are their JSON text (as orderKey gives them). */
const sqlValue = (v: string | number | boolean | null) => (typeof v === 'boolean' ? (v ? 1 : 0) : v);

function toVersion<T extends ReadModelDocument>(row: VersionRow): ReadModelVersion<T> {
  return {
    id: row.id,
    doc: JSON.parse(row.doc) as T,
    validFrom: row.valid_from,
    validTo: row.valid_to >= OPEN_VERSION ? undefined : row.valid_to,
  };
}

function checkpointMoved(projection: string, base: number, current: number): ConflictError {
  return new ConflictError('checkpoint_moved', `Checkpoint of ${projection} moved from ${base} to ${current} during the transaction`, {
    hint: 'Another process is projecting into the same store; re-read the checkpoint and continue from there.',
    context: { projection, expected: base, actual: current },
  });
}
